/// Performs what an endpoint returned (`EndpointAction`, Endpoints/): an answer is queued, an
/// upgrade or a refused handshake performed (`Connection+Upgrade.swift`); work for the agent hub
/// runs on the hub's loop, and the action its result comes to is performed back on this
/// connection's loop. Requests pipelined behind it wait unread (`awaitingResponse`), which is why
/// these answers end the connection.
extension Connection {
    func perform(_ action: EndpointAction) {
        switch action {
        case .answer(let answer):
            queue(answer)
        case .upgrade(let accepted):
            upgrade(accepted)
        case .refuseHandshake(let error):
            refuse(error)
        case .askHub(let question):
            ask(question)
        }
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
