import WSFraming

extension ClosePayload {
    /// What a draining gateway sends a session it wants to come back elsewhere: 1012 "Service
    /// Restart" (IANA WebSocket Close Code Number Registry, referenced by RFC 6455 §7.4.2; a
    /// client reconnects on it) with the delay to wait in the reason, as "draining; reconnect in
    /// 3456 ms" (the agent bar reads it, public/src/operator/connection.js). The reason stays
    /// far below the 123 bytes RFC 6455 §5.5 leaves it. The same idea as Centrifugo's
    /// disconnect code 3001 "shutdown", which tells its clients to reconnect.
    public static func reconnect(afterMilliseconds delay: Int) -> ClosePayload {
        ClosePayload(code: .serviceRestart, reason: "draining; reconnect in \(delay) ms")
    }

    /// The delay hint of `reconnect(afterMilliseconds:)`, if the reason carries one.
    public var reconnectHintMilliseconds: Int? {
        guard code == .serviceRestart else { return nil }
        let prefix = "draining; reconnect in ", suffix = " ms"
        guard reason.hasPrefix(prefix), reason.hasSuffix(suffix) else { return nil }
        return Int(reason.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
