import WSFraming

extension Connection {
    /// Shutdown: WebSockets get close 1001, idle HTTP connections are closed, upgrades that wait
    /// for their upstream get 503. An upstream connection (client role) is left to its relay,
    /// which closes it after its browsers: a pipe when its browser ends, a mux connection when
    /// its last session ends, so that the back end hears of every session before the
    /// connection goes.
    func goAway() {
        switch phase {
        case .webSocket:
            guard role == .server else { return }
            startClose(ClosePayload(code: .goingAway, reason: "server shutting down"))
            flush()
        case .http:
            if headBuffer.isEmpty && outbound.isEmpty { terminate(reason: nil) } else { finishAfterFlush = true }
        case .upgrading:
            // The upgrade waits for its upstream: answered 503 now, and the upstream abandoned.
            let application = self.application
            self.application = nil
            queue(.shuttingDown)
            flush()
            application?.closed(self, code: nil)
        case .draining, .connecting, .clientHandshake:
            break
        }
    }
}
