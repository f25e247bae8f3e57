import Routes

/// Drain on SIGTERM for one I/O loop (docs/deploy.md §5): its WebSocket sessions other than
/// agent tabs (`Connection.drainInCall`) go through a `Drain`, reviewed at once and then at
/// each tick; its HTTP connections are closed once idle, at the start and again at the deadline.
final class LoopDrain: TimedHandler, @unchecked Sendable {
    var tickSlot = -1
    unowned let loop: EventLoop
    private var drain: Drain<ObjectIdentifier>
    private var closedAtDeadline = false

    init(loop: EventLoop, drain: Drain<ObjectIdentifier>) {
        self.loop = loop
        self.drain = drain
    }

    /// On the loop's thread.
    func start() {
        loop.addTimed(self)
        closeHTTP(sparingFresh: true)
        review()
    }

    func tick(now: UInt64) {
        review()
    }

    private func review() {
        var connections: [ObjectIdentifier: Connection] = [:]
        var sessions: [(session: ObjectIdentifier, inCall: Bool)] = []
        for case let connection as Connection in loop.timedHandlers {
            guard let inCall = connection.drainInCall else { continue }
            connections[ObjectIdentifier(connection)] = connection
            sessions.append((ObjectIdentifier(connection), inCall))
        }
        var random = SystemRandomNumberGenerator()
        let actions = drain.review(sessions, now: loop.now, using: &random)
        DrainReport(place: "loop-\(loop.index)", metrics: loop.metrics).perform(actions) { id, payload in
            guard let connection = connections[id] else { return }
            connection.startClose(payload)
            connection.flush()
        }
        if drain.isOver(at: loop.now) && !closedAtDeadline {
            closedAtDeadline = true
            closeHTTP(sparingFresh: false)
        }
    }

    /// Idle HTTP connections are closed, busy ones after their response; an upgrade that waits
    /// for its upstream gets 503 (`Connection.goAway`). `sparingFresh`: a connection that has not
    /// sent its first request yet is left to send it (a load balancer's probe, just accepted):
    /// it is answered, with `Connection: close` while draining, rather than reset unanswered.
    private func closeHTTP(sparingFresh: Bool) {
        for case let connection as Connection in loop.timedHandlers where connection.phase == .http || connection.phase == .upgrading {
            if sparingFresh && connection.phase == .http && !connection.handledRequest { continue }
            connection.goAway()
        }
    }
}
