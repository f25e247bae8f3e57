import TLSBridge

/// A Lua script for `EVALSHA`, named by the SHA-1 of its source as Redis names it
/// (`SCRIPT LOAD` returns the same hex digest).
struct RedisScript: Sendable {
    let source: String
    /// Lower-case hex.
    let sha1: String

    init(_ source: String) {
        self.source = source
        sha1 = Digest.sha1(Array(source.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
