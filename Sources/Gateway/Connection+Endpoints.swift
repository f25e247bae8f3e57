/// Performs what an endpoint returned (`EndpointAction`, Endpoints/): an answer is queued; work
/// for the agent hub runs on the hub's loop, and the action its result comes to is performed back
/// on this connection's loop. Requests pipelined behind it wait unread (`awaitingResponse`), which
/// is why these answers end the connection.
extension Connection {
    func perform(_ action: EndpointAction) {
        switch action {
        case .answer(let answer):
            queue(answer)
        case .askHub(let question):
            ask(question)
        case .done:
            break
        }
    }

    /// `work` on the hub's loop, then `then` here (the upgrade paths, which act on the
    /// connection themselves rather than return an action).
    func askHub<Result: Sendable>(later work: @escaping @Sendable (AgentHub, @escaping @Sendable (Result) -> Void) -> Void,
                                  then: @escaping @Sendable (Result) -> Void) {
        perform(.askHub(later: work, answer: { result in
            then(result)
            return .done
        }))
    }

    /// `question` on the hub's loop, then what it comes to here, unless the connection closed
    /// meanwhile; what that queued is flushed.
    private func ask(_ question: HubQuestion) {
        awaitingResponse = true
        let hub = context.agentHub
        hub.loop.execute { [self] in
            question.ask(hub) { [self] then in
                loop.execute { [self] in
                    awaitingResponse = false
                    guard !isClosed else { return }
                    perform(then())
                    flush()
                }
            }
        }
    }
}
