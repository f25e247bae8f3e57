/// Single use for SSO tokens: remembers each accepted token (by its SHA-1 digest) until it
/// leaves the validity window, so the same token cannot open a second session. docs/compatibility.md §1.10 does
/// not require this; it is Callgate's hardening against a token copied from a URL or a log.
///
/// Bounded by `capacity`: when that many unexpired tokens are remembered, `admit` refuses every
/// new token (fails closed) until some expire; the gateway should log it (`isFull`). Expired
/// entries are dropped on each `admit` (`ExpiringSet`, a min-heap keyed by expiry).
///
/// A value type for one thread at a time; the gateway wraps the shared one in a lock. Per
/// instance only: several gateway instances need a shared store (Redis) for cluster-wide use.
public struct SSOReplayGuard: Sendable {
    public let capacity: Int
    private var seen: ExpiringSet<Key>

    public init(capacity: Int = 100_000) {
        precondition(capacity > 0, "SSOReplayGuard needs room for at least one token")
        self.capacity = capacity
        seen = ExpiringSet(capacity: capacity)
    }

    /// How many tokens are remembered (including expired ones not yet pruned).
    public var count: Int { seen.count }

    /// Whether the guard is refusing new tokens for lack of room.
    public var isFull: Bool { seen.isFull }

    /// Records `token` as used at `now`. False if it was already used, if it has already expired
    /// (`expires < now`), or if the guard is full of unexpired tokens (fail closed).
    public mutating func admit(_ token: VerifiedSSOToken, now: Int64) -> Bool {
        seen.prune(now: now)
        guard token.expires >= now, let key = Key(token.digest) else { return false }
        return seen.insert(key, expires: token.expires, now: now) == .inserted
    }

    /// Forgets tokens whose last valid second is before `now`.
    public mutating func prune(now: Int64) {
        seen.prune(now: now)
    }

    /// A SHA-1 digest packed into three words (no per-entry array allocation).
    private struct Key: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt32

        init?(_ digest: [UInt8]) {
            guard digest.count == SSOVerifier.digestLength else { return nil }
            func word(_ range: Range<Int>) -> UInt64 { digest[range].reduce(0) { $0 << 8 | UInt64($1) } }
            a = word(0..<8)
            b = word(8..<16)
            c = UInt32(word(16..<20))
        }
    }
}
