import AuthSchemes

/// Single use for Vodia popup links: remembers each accepted link (by its MD5) until it
/// expires, so a link copied from a page, a log or a browser history cannot open a second popup
/// session within its window. docs/compatibility.md §2.3 does not ask for this; it is Callgate's hardening (the
/// Vodia guide itself warns that a long-lived link invites toll fraud). A page that shows a link which
/// may be clicked several times should therefore mint a fresh link per click.
///
/// Bounded by `capacity`: when that many unexpired links are remembered, `admit` refuses every
/// new link (fails closed) until some expire; the gateway should log it (`isFull`). Like
/// `SSOReplayGuard`: a value type for one thread at a time, per instance (a cluster needs a
/// shared store).
public struct VodiaReplayGuard: Sendable {
    private var seen: ExpiringSet<Key>

    public init(capacity: Int = 100_000) {
        seen = ExpiringSet(capacity: capacity)
    }

    public var capacity: Int { seen.capacity }
    /// How many links are remembered (including expired ones not yet pruned).
    public var count: Int { seen.count }
    /// Whether the guard is refusing new links for lack of room.
    public var isFull: Bool { seen.isFull }

    /// Records `link` as used at `now`. False if it was used before, if it has already expired,
    /// or if the guard is full of unexpired links (fail closed).
    public mutating func admit(_ link: VerifiedVodiaLink, now: Int64) -> Bool {
        guard link.expires >= now, let key = Key(link.digest) else { return false }
        return seen.insert(key, expires: link.expires, now: now) == .inserted
    }

    /// Forgets links whose last valid second is before `now`.
    public mutating func prune(now: Int64) { seen.prune(now: now) }

    /// An MD5 digest packed into two words.
    private struct Key: Hashable, Sendable {
        let a: UInt64, b: UInt64

        init?(_ digest: [UInt8]) {
            guard digest.count == MD5.digestLength else { return nil }
            a = digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            b = digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }
    }
}
