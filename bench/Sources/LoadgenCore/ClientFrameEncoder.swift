/// Writes client-to-server frames: always masked (RFC 6455 §5.1), length in the minimal encoding
/// (§5.2), no RSV bits unless `compressed` (RSV1, RFC 7692 §6).
public enum ClientFrameEncoder {
    /// The largest header: 2 bytes, an 8-byte extended length, a 4-byte masking key.
    public static let maxHeaderLength = 14

    public static func headerLength(payloadLength: Int) -> Int {
        switch payloadLength {
        case 0...125: 6
        case 126...0xFFFF: 8
        default: 14
        }
    }

    /// Writes one whole frame, header and masked payload, at `destination`, which must have room
    /// for `headerLength(payloadLength:) + payload.count` bytes. Returns the bytes written.
    @inlinable
    public static func write(
        opcode: Opcode,
        fin: Bool = true,
        compressed: Bool = false,
        payload: UnsafeRawBufferPointer,
        maskKey: (UInt8, UInt8, UInt8, UInt8),
        to destination: UnsafeMutableRawPointer
    ) -> Int {
        let count = payload.count
        destination.storeBytes(of: (fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | opcode.rawValue, toByteOffset: 0, as: UInt8.self)
        var offset: Int
        switch count {
        case 0...125:
            destination.storeBytes(of: 0x80 | UInt8(count), toByteOffset: 1, as: UInt8.self)
            offset = 2
        case 126...0xFFFF:
            destination.storeBytes(of: 0x80 | 126, toByteOffset: 1, as: UInt8.self)
            destination.storeBytes(of: UInt16(count).bigEndian, toByteOffset: 2, as: UInt16.self)
            offset = 4
        default:
            destination.storeBytes(of: 0x80 | 127, toByteOffset: 1, as: UInt8.self)
            destination.storeBytes(of: UInt64(count).bigEndian, toByteOffset: 2, as: UInt64.self)
            offset = 10
        }
        destination.storeBytes(of: maskKey, toByteOffset: offset, as: (UInt8, UInt8, UInt8, UInt8).self)
        offset += 4
        if count > 0, let base = payload.baseAddress {
            Masking.copyMasked(from: base, to: destination + offset, count: count, key: maskKey)
        }
        return offset + count
    }
}
