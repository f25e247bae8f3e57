extension Connection {
    /// What the drain of this connection's loop (`LoopDrain`) sees of it: nil when the loop does
    /// not drain it (not a browser WebSocket, its close already sent, or an agent tab, which the
    /// hub drains since it knows the calls); else whether it carries a live call: a `sip`
    /// session with a dialog in progress (docs/sip-edge.md). Other sessions (echo, pipe, mux)
    /// carry no call the gateway knows of.
    var drainInCall: Bool? {
        guard phase == .webSocket, role == .server, closeSentAt == nil else { return nil }
        let link = (application as? RouteSession)?.link
        if link is AgentLink { return nil }
        return (link as? SIPLink)?.hasLiveCall ?? false
    }
}
