internal import COpenSSLBench

/// OpenSSL's thread-local error queue, read into one line.
///
/// Every `SSL_*` call the load generator makes is preceded by `ERR_clear_error()`, so what is on
/// the queue after a failure belongs to that call.
enum OpenSSLErrors {
    /// Empties the queue and returns its entries, oldest first, joined with "; " (or `fallback`
    /// if it was empty).
    static func drain(fallback: String) -> String {
        var entries: [String] = []
        var text = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error()
            guard code != 0 else { break }
            ERR_error_string_n(code, &text, text.count)
            entries.append(String(nulTerminated: text))
        }
        return entries.isEmpty ? fallback : entries.joined(separator: "; ")
    }

}
