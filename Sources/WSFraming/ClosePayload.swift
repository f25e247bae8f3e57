/// The body of a close frame, RFC 6455 §5.5.1: empty, or a 2-byte status code followed by a
/// UTF-8 reason. The whole body is at most 125 bytes (§5.5), so the reason is at most 123.
public struct ClosePayload: Hashable, Sendable {
    /// nil when the body was empty (reported locally as 1005, never sent).
    public var code: CloseCode?
    public var reason: String

    public init(code: CloseCode?, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    /// Parses and validates a received close body.
    /// - Throws: `.invalidClosePayloadLength` for a 1-byte body (§5.5.1), `.invalidCloseCode`
    ///   for a code that may not be sent (§7.4), `.invalidUTF8` for a bad reason (§5.5.1).
    public init(parsing body: UnsafeRawBufferPointer) throws(WebSocketError) {
        if body.isEmpty { self.init(code: nil); return }
        guard body.count >= 2 else { throw .invalidClosePayloadLength }
        let raw = UInt16(body[0]) << 8 | UInt16(body[1])
        let code = CloseCode(raw)
        guard code.isValidOnWire else { throw .invalidCloseCode(raw) }
        let reasonBytes = UnsafeRawBufferPointer(rebasing: body[2...])
        guard UTF8Validator.isValid(reasonBytes) else { throw .invalidUTF8 }
        self.init(code: code, reason: String(decoding: reasonBytes, as: UTF8.self))
    }

    /// The wire body: empty when there is no code; the reason is cut at a code point boundary
    /// so that the body stays within 125 bytes.
    public var encoded: [UInt8] {
        guard let code else { return [] }
        var body: [UInt8] = [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)]
        var reasonBytes = Array(reason.utf8)
        if reasonBytes.count > 123 {
            var end = 123
            while end > 0 && reasonBytes[end] & 0xC0 == 0x80 { end -= 1 }
            reasonBytes.removeSubrange(end...)
        }
        body.append(contentsOf: reasonBytes)
        return body
    }
}
