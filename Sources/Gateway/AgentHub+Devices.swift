import Routes
import Switchboard

/// Device Action URLs in (seeds/001, docs/click-to-call.md §4): a phone's call events become the
/// events its agent's bar receives, numbered and kept for `attach` like the Switchboard's own.
extension AgentHub {
    /// Delivers `event` to the agent of its `local_party`. An agent's key may report only that
    /// agent's phone: another's and an unknown one are the same 401 (`wrongUser`), so the key
    /// tells nothing about other phones.
    func deviceEvent(_ event: ActionURLEvent, caller: ClickToCallCaller) -> Result<Void, ActionURLError> {
        let found = switchboard.agent(onLine: event.localParty)
        if case .agent(let own) = caller, own != found { return .failure(.unauthorized(.wrongUser)) }
        guard let user = found else { return .failure(.unknownDevice) }
        let party = (event.localParty, event.localAlias ?? event.localParty)
        var agent = users.removeValue(forKey: user) ?? AgentUser(window: newWindow())
        for emitted in event.agentEvents(agent: user, numbering: numbering, now: wallClock) {
            deliverNumbered(emitted, to: user, agent: &agent, party: party)
        }
        users[user] = agent
        loop.metrics.routeEvent("action", event.action.rawValue)
        return .success(())
    }
}
