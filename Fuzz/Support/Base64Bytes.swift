/// Standard base64 (RFC 4648 §4) decoding for fuzz checks, e.g. the 16 bytes of a
/// `Sec-WebSocket-Key`; nil for anything that is not padded base64.
public func base64Bytes(_ text: String) -> [UInt8]? {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var chars = Array(text.utf8)
    guard chars.count % 4 == 0 else { return nil }
    while chars.last == UInt8(ascii: "=") { chars.removeLast() }
    var bytes: [UInt8] = []
    var accumulator: UInt32 = 0
    var bits = 0
    for char in chars {
        guard let value = alphabet.firstIndex(of: char) else { return nil }
        accumulator = accumulator << 6 | UInt32(value)
        bits += 6
        if bits >= 8 {
            bits -= 8
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
        }
    }
    return bytes
}
