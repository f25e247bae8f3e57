internal import COpenSSL

/// OpenSSL's thread-local error queue, reached in one place (docs/style.md §4): cleared before each call
/// that can fail, drained into `TLSError` after it failed.
enum OpenSSLErrorQueue {
    /// Forgets errors left over by earlier calls, so that a drain reports only the current one.
    @inline(__always)
    static func clear() {
        ERR_clear_error()
    }

    /// Empties the queue, oldest first, into reason texts such as `"certificate verify failed"`,
    /// with the entry's data appended when OpenSSL attached some (`"… (calling fopen(x, r))"`).
    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var text: String
            if let reason = ERR_reason_error_string(code) {
                text = String(cString: reason)
            } else {
                // No registered text (a system error code, for instance): use the formatted code.
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            }
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            reasons.append(text)
        }
        return reasons
    }
}

extension TLSError {
    /// Builds an error from the drained queue; `fallback` stands in when the queue was empty, so a
    /// failure always carries at least one reason.
    static func drained(_ kind: Kind, _ operation: String, extra: [String] = [], fallback: String = "no reason reported by OpenSSL") -> TLSError {
        var reasons = OpenSSLErrorQueue.drain() + extra
        if reasons.isEmpty { reasons = [fallback] }
        return TLSError(kind: kind, operation: operation, reasons: reasons)
    }
}
