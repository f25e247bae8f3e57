/// Frame serialisation, RFC 6455 §5.2: writes the header, with the shortest length encoding,
/// followed by the payload (masked when a key is given, §5.3), into a reusable output buffer.
public enum FrameEncoder {
    /// The longest header: 2 bytes, an 8-byte extended length and a 4-byte masking key.
    public static let maxHeaderLength = 14

    /// The header length for a payload of `payloadLength` bytes.
    @inlinable
    public static func headerLength(payloadLength: Int, masked: Bool) -> Int {
        let base = payloadLength < 126 ? 2 : (payloadLength <= 0xFFFF ? 4 : 10)
        return masked ? base + 4 : base
    }

    /// Appends one frame to `output`.
    /// - Parameters:
    ///   - rsv1: RFC 7692 §6, set on the first frame of a compressed message.
    ///   - maskKey: the four key bytes in memory order; required of clients, forbidden to servers (§5.1).
    @inlinable
    public static func encode(
        opcode: Opcode,
        fin: Bool = true,
        rsv1: Bool = false,
        payload: UnsafeRawBufferPointer,
        maskKey: UInt32? = nil,
        into output: inout [UInt8]
    ) {
        appendHeader(opcode: opcode, fin: fin, rsv1: rsv1, payloadLength: payload.count, maskKey: maskKey, into: &output)
        let payloadStart = output.count
        output.append(contentsOf: payload)
        if let maskKey {
            output.withUnsafeMutableBytes { bytes in
                Masking.apply(key: maskKey, to: UnsafeMutableRawBufferPointer(rebasing: bytes[payloadStart...]))
            }
        }
    }

    /// Appends one frame header: the first byte, the shortest length encoding and the masking key.
    @inlinable
    public static func appendHeader(
        opcode: Opcode, fin: Bool = true, rsv1: Bool = false, payloadLength length: Int, maskKey: UInt32?,
        into output: inout [UInt8]
    ) {
        let headerLength = headerLength(payloadLength: length, masked: maskKey != nil)
        // No reserveCapacity here: it grows to the exact size asked, so calling it per frame
        // while corking many frames would reallocate every time; append grows geometrically.
        withUnsafeTemporaryAllocation(byteCount: maxHeaderLength, alignment: 8) { header in
            header[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode.rawValue
            let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
            var index = 2
            if length < 126 {
                header[1] = maskBit | UInt8(length)
            } else if length <= 0xFFFF {
                header[1] = maskBit | 126
                header[2] = UInt8(length >> 8)
                header[3] = UInt8(length & 0xFF)
                index = 4
            } else {
                header[1] = maskBit | 127
                for byte in 0..<8 { header[2 + byte] = UInt8(truncatingIfNeeded: UInt64(length) >> (56 - 8 * UInt64(byte))) }
                index = 10
            }
            if let maskKey { header.storeBytes(of: maskKey, toByteOffset: index, as: UInt32.self) }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: header[..<headerLength]))
        }
    }

    /// Appends a close frame (§5.5.1) carrying `payload`.
    @inlinable
    public static func encodeClose(_ payload: ClosePayload, maskKey: UInt32? = nil, into output: inout [UInt8]) {
        let body = payload.encoded
        body.withUnsafeBytes { encode(opcode: .close, payload: $0, maskKey: maskKey, into: &output) }
    }
}
