/// RFC 6455 §5.3 masking: octet i of the payload is XORed with octet i mod 4 of the masking key.
public enum Masking {
    /// Copies `count` bytes from `source` to `destination`, masking them with `key` (the four key
    /// octets in wire order). Eight bytes at a time with the key repeated in a `UInt64`, then a
    /// byte-by-byte tail. `source` and `destination` may be the same buffer.
    @inlinable
    public static func copyMasked(
        from source: UnsafeRawPointer,
        to destination: UnsafeMutableRawPointer,
        count: Int,
        key: (UInt8, UInt8, UInt8, UInt8)
    ) {
        let key32 = withUnsafeBytes(of: key) { $0.loadUnaligned(as: UInt32.self) }
        let key64 = UInt64(key32) | UInt64(key32) << 32
        var i = 0
        while i + 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ key64
            destination.storeBytes(of: word, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            let keyByte: UInt8
            switch i & 3 {
            case 0: keyByte = key.0
            case 1: keyByte = key.1
            case 2: keyByte = key.2
            default: keyByte = key.3
            }
            destination.storeBytes(of: source.load(fromByteOffset: i, as: UInt8.self) ^ keyByte, toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }
}
