import Routes
import WSFraming

/// Performs one drain review's actions (`Drain`, docs/deploy.md §5) through `close`, and logs
/// and counts them: `drain_reconnect`, `drain_kept`, `drain_deadline` with the number of
/// sessions and the place (`agents`: the hub's tabs; `loop-N`: the other WebSockets of a loop),
/// and `callgate_drain_sessions_total{action=…}`.
struct DrainReport {
    /// Where the sessions live: `agents` or `loop-N`.
    let place: String
    let metrics: LoopMetrics

    /// The close a session gets once the deadline passed.
    static let deadlinePassed = ClosePayload(code: .goingAway, reason: "drain deadline passed")

    func perform<Session>(_ actions: [Drain<Session>.Action], close: (Session, ClosePayload) -> Void) {
        var told = 0, kept = 0, closed = 0
        for action in actions {
            switch action {
            case .reconnect(let session, let delay):
                told += 1
                close(session, .reconnect(afterMilliseconds: delay))
            case .keep:
                kept += 1
            case .goAway(let session):
                closed += 1
                close(session, Self.deadlinePassed)
            }
        }
        for (count, action, event) in [(told, "reconnect", "drain_reconnect"), (kept, "kept", "drain_kept"),
                                       (closed, "deadline", "drain_deadline")] where count > 0 {
            metrics.add(labelled: "callgate_drain_sessions_total{action=\"\(action)\"}", count)
            Log.info(event, ["place": place, "sessions": "\(count)"])
        }
    }
}
