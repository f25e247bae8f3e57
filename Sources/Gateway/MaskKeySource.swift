/// Masking keys for the client role, RFC 6455 §5.3: "the masking key MUST be derived from a
/// strong source of entropy", fresh for every frame. The kernel's CSPRNG is read 4 KiB at a
/// time (1,024 keys per `getrandom` call, rather than one call per frame); one source per loop.
struct MaskKeySource {
    private var keys = [UInt32](repeating: 0, count: 1_024)
    private var next = 1_024

    mutating func key() -> UInt32 {
        if next == keys.count { refill() }
        defer { next += 1 }
        return keys[next]
    }

    private mutating func refill() {
        let filled = keys.withUnsafeMutableBytes(SystemRandom.fill)
        if !filled {
            var generator = SystemRandomNumberGenerator()
            for index in keys.indices { keys[index] = generator.next() }
        }
        next = 0
    }
}
