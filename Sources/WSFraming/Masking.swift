/// RFC 6455 §5.3: client-to-server masking. Octet i of the payload is XORed with octet
/// (i mod 4) of the masking key. Masking and unmasking are the same operation.
public enum Masking {
    /// XORs `bytes` in place with `key` (four wire bytes loaded in memory order), as if `bytes`
    /// started at `offset` within the frame's payload. Works eight bytes at a time with a
    /// rotated 64-bit key and finishes byte by byte (docs/style.md §10).
    @inlinable
    public static func apply(key: UInt32, to bytes: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let shift = UInt32((offset & 3) * 8)
        // Rotate so that key byte (offset mod 4) comes first in memory (little-endian load order).
        let rotated = shift == 0 ? key : (key >> shift) | (key << (32 - shift))
        let wide = UInt64(rotated) | (UInt64(rotated) << 32)
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            base.storeBytes(of: word ^ wide, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        var tailKey = wide
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            base.storeBytes(of: byte ^ UInt8(truncatingIfNeeded: tailKey), toByteOffset: index, as: UInt8.self)
            tailKey >>= 8
            index += 1
        }
    }

    /// The four wire bytes `b0 b1 b2 b3` of a masking key, loaded in memory order.
    @inlinable
    public static func key(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) -> UInt32 {
        UInt32(littleEndian: UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24)
    }
}
