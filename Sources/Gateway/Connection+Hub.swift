/// Requests the agent hub answers (the admin API, `/status.json`, click-to-call, device Action
/// URLs, the last-callers widget): the work runs on the hub's loop, the answer back on this
/// connection's loop. Requests pipelined behind it wait unread (`awaitingResponse`), which is why
/// these answers end the connection.
extension Connection {
    /// `work` on the hub's loop, then `answer` with its result here, unless the connection closed
    /// meanwhile; what `answer` queued is flushed.
    func askHub<Result: Sendable>(_ work: @escaping @Sendable (AgentHub) -> Result,
                                  answer: @escaping @Sendable (Result) -> Void) {
        askHub(later: { hub, done in done(work(hub)) }, answer: answer)
    }

    /// The same for work that finishes later, by calling `done` (a password checked on the hub's
    /// hashing loop).
    func askHub<Result: Sendable>(later work: @escaping @Sendable (AgentHub, @escaping @Sendable (Result) -> Void) -> Void,
                                  answer: @escaping @Sendable (Result) -> Void) {
        awaitingResponse = true
        let hub = context.agentHub
        hub.loop.execute { [self] in
            work(hub) { [self] result in
                loop.execute { [self] in
                    awaitingResponse = false
                    guard !isClosed else { return }
                    answer(result)
                    flush()
                }
            }
        }
    }
}
