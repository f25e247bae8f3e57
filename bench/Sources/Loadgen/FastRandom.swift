import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// xorshift64* for masking keys: RFC 6455 §5.3 wants a fresh, unpredictable key per frame; this
/// is fresh and, seeded from getrandom(2), unpredictable enough for a benchmark, for ~1 ns a key.
struct FastRandom {
    private var state: UInt64

    init() {
        var seed: UInt64 = 0
        while seed == 0 { _ = getrandom(&seed, 8, 0) }
        self.state = seed
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        self.state ^= self.state >> 12
        self.state ^= self.state << 25
        self.state ^= self.state >> 27
        return self.state &* 0x2545_F491_4F6C_DD1D
    }

    @inline(__always)
    mutating func maskKey() -> (UInt8, UInt8, UInt8, UInt8) {
        let bits = self.next() >> 32
        return (UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24))
    }

    /// 16 bytes from getrandom(2), for a handshake nonce (RFC 6455 §4.1).
    static func nonce() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        var filled = 0
        while filled < 16 {
            let n = bytes.withUnsafeMutableBytes { getrandom($0.baseAddress! + filled, 16 - filled, 0) }
            if n > 0 { filled += n }
        }
        return bytes
    }
}
