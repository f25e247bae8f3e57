/// Makes text safe as an HTTP field value (RFC 9110 §5.5): CR, LF, NUL and the other control
/// characters, and `%` itself, are percent-encoded, so an identity can never end a header or
/// start another one in the upstream request. Everything else, UTF-8 included, passes unchanged.
public enum HeaderValue {
    public static func sanitized(_ text: String) -> String {
        func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") }
        guard text.utf8.contains(where: needsEscape) else { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if needsEscape(byte) {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
