import WSFraming

extension Connection {
    /// Shutdown: WebSockets get close 1001, idle HTTP connections are closed.
    func goAway() {
        switch phase {
        case .webSocket:
            startClose(ClosePayload(code: .goingAway, reason: "server shutting down"))
            flush()
        case .http:
            if headBuffer.isEmpty && outbound.isEmpty { terminate(reason: nil) } else { finishAfterFlush = true }
        case .draining, .connecting, .clientHandshake:
            break
        }
    }
}
