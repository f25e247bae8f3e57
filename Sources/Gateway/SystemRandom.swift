import Glibc
import CLinux

/// The kernel's CSPRNG (`getrandom(2)`, which blocks only before the pool is first seeded at
/// boot): masking keys (RFC 6455 §5.3) and the names of calls (`call_guid`, docs/compatibility.md §4.3).
enum SystemRandom {
    /// Fills `buffer`; false if the kernel refused (then nothing is guaranteed about its content).
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = getrandom(buffer.baseAddress! + offset, buffer.count - offset, 0)
            if count < 0 { if errno == EINTR { continue } else { return false } }
            offset += count
        }
        return true
    }

    /// `count` random bytes; Swift's `SystemRandomNumberGenerator` (also the kernel's) if
    /// `getrandom` fails.
    static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        if !bytes.withUnsafeMutableBytes(fill) {
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
        }
        return bytes
    }
}
