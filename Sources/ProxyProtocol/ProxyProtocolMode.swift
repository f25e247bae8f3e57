/// Whether a listener takes PROXY protocol headers, and which version (`proxy.protocol`,
/// docs/config.md), and what the first bytes of a connection lead to.
///
/// The spec (§2) says a receiver "MUST not try to guess whether the protocol header is present
/// or not", so that no client can spoof its address. Here the decision rests on the TCP peer,
/// never on the bytes: a peer in `proxy.trustedProxies` must send a header (a connection
/// without one is refused), and any other peer's header is refused. A peer that is not trusted
/// and sends no header is served as a direct client, with its own address.
public enum ProxyProtocolMode: String, Sendable, Hashable, CaseIterable {
    case off
    case v1
    case v2
    /// Either version.
    case any

    public func accepts(_ version: ProxyHeader.Version) -> Bool {
        switch self {
        case .off: false
        case .any: true
        case .v1: version == .v1
        case .v2: version == .v2
        }
    }

    public enum Admission: Sendable, Hashable {
        /// Wait for more bytes.
        case needMore
        /// Serve the connection: `client` is the address the header gave (nil: keep the TCP
        /// peer's, for LOCAL, UNKNOWN and no header), and the application's data starts after
        /// `headerLength` bytes.
        case proceed(client: IPAddress?, headerLength: Int)
        case refuse(Refusal)
    }

    public enum Refusal: Sendable, Hashable, CustomStringConvertible {
        /// A trusted proxy's connection did not start with a header.
        case headerMissing
        /// A header of a version this listener does not take.
        case versionNotAccepted(ProxyHeader.Version)
        /// A header (well-formed or not) from a peer that is not a trusted proxy.
        case untrustedPeer
        case malformed(ProxyProtocolError)

        /// A short label for metrics.
        public var label: String {
            switch self {
            case .headerMissing: "missing"
            case .versionNotAccepted: "version"
            case .untrustedPeer: "untrusted"
            case .malformed: "malformed"
            }
        }

        public var description: String {
            switch self {
            case .headerMissing: "a trusted proxy's connection did not start with a PROXY header"
            case .versionNotAccepted(let version): "PROXY \(version) header on a listener that does not take it"
            case .untrustedPeer: "PROXY header from an address that is not a trusted proxy"
            case .malformed(let error): "\(error)"
            }
        }
    }

    /// What the first `bytes` of a connection on a listener in this mode lead to, for a TCP peer
    /// that is (`peerIsTrusted`) or is not a trusted proxy. Call again with more bytes after
    /// `.needMore`.
    public func admit(_ bytes: UnsafeRawBufferPointer, peerIsTrusted: Bool) -> Admission {
        guard self != .off else { return .proceed(client: nil, headerLength: 0) }
        let outcome: ProxyHeaderParser.Outcome
        do {
            outcome = try ProxyHeaderParser.parse(bytes)
        } catch {
            return .refuse(peerIsTrusted ? .malformed(error) : .untrustedPeer)
        }
        switch outcome {
        case .needMore:
            return .needMore
        case .absent:
            return peerIsTrusted ? .refuse(.headerMissing) : .proceed(client: nil, headerLength: 0)
        case .header(let header):
            guard peerIsTrusted else { return .refuse(.untrustedPeer) }
            guard accepts(header.version) else { return .refuse(.versionNotAccepted(header.version)) }
            return .proceed(client: header.source?.address, headerLength: header.length)
        }
    }
}
