/// How a route's upstream meets the browser's upgrade (docs/config.md, "Upstream first").
extension Route {
    /// Whether the upstream's handshake completes before the browser's 101: a pipe (or sip)
    /// route to a `ws://`/`wss://` upstream whose session is admitted at the upgrade — it needs
    /// no credential, or presented one there (`identified`). A session that authenticates with
    /// its first message is answered 101 first, as the credential comes after it and the
    /// upstream's request carries the identity. Mux and embedded back ends are not per-session
    /// connections.
    public func connectsUpstreamFirst(identified: Bool) -> Bool {
        guard case .upstream = backend, mode != .mux else { return false }
        return authentication == .none || identified
    }

    /// The subprotocols offered to the upstream when it is connected first: every one the
    /// browser offered (RFC 6455 §4.2.1 item 8, in the browser's order), or, when the route
    /// lists `subprotocols`, those of them it lists. The 101 then carries the one the upstream
    /// selected (§4.2.2 step 5.5 is the upstream's to apply).
    public func subprotocolsToForward(offered: [String]) -> [String] {
        subprotocols.isEmpty ? offered : offered.filter { subprotocols.contains($0) }
    }
}
