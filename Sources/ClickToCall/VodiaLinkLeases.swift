/// At most one live popup session per link (docs/click-to-call.md §3.1): docs/compatibility.md §2.3 lets a signed
/// link be used for its whole `duration`, so instead of making it single use Callgate lets only
/// one web phone session hold a link at a time. A second popup opened from the same link (a
/// copied link, a second click) is refused while the first one's session is open, and may go
/// ahead once it has closed. The holder is the `sip` route session that presented the link's
/// token; `GET /makecall/session` asks `isHeld` before it issues a token.
///
/// No capacity of its own: an entry exists only while its session's connection is open, so the
/// connection limits bound it. A value type for one thread at a time, per instance; a cluster
/// holds the link in Redis as well (docs/cluster.md §6.4).
public struct VodiaLinkLeases: Sendable {
    /// Proof of holding a link, given back to `release`. A later holder's lease differs, so a
    /// stale release cannot free a link that someone else holds by then.
    public struct Lease: Hashable, Sendable {
        public let link: String
        let serial: UInt64
    }

    private var held: [String: UInt64] = [:]
    private var nextSerial: UInt64 = 1

    public init() {}

    /// How many links are held.
    public var count: Int { held.count }

    /// Whether a live session holds `link`.
    public func isHeld(_ link: String) -> Bool { held[link] != nil }

    /// Takes `link` for a new session; nil when another session holds it.
    public mutating func acquire(_ link: String) -> Lease? {
        guard held[link] == nil else { return nil }
        let lease = Lease(link: link, serial: nextSerial)
        nextSerial &+= 1
        held[link] = lease.serial
        return lease
    }

    /// The session of `lease` ended: its link is free again (if the lease is still the holder).
    public mutating func release(_ lease: Lease) {
        if held[lease.link] == lease.serial { held[lease.link] = nil }
    }
}
