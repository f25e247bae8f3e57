import ActionURLs
import ClickToCall
import CallControlMessages

/// Device Action URLs in (docs/compatibility.md §4.2, docs/click-to-call.md §4): a phone's call events become the
/// events its agent's bar receives, numbered and kept for `attach` like the back end's own, and
/// relayed out with the phone's own party.
extension DeliveryEngine {
    mutating func deviceEvent(_ ask: AskID, _ event: ActionURLEvent, caller: ClickToCallCaller) {
        self.ask(.lookUp([.line(event.localParty)]), then: .deviceLookup(ask, event, caller: caller))
    }

    /// Delivers the event to the agent of its `local_party`. An agent's key may report only that
    /// agent's phone: another's and an unknown one are the same 401 (`wrongUser`), so the key
    /// tells nothing about other phones.
    mutating func deviceLookedUp(_ answer: CallControlAnswer, ask: AskID, event: ActionURLEvent, caller: ClickToCallCaller) {
        guard case .found(let names) = answer, names.count == 1 else {
            actions.append(.answer(ask, .deviceEvent(.backendFailed(Self.failure(answer)))))
            return
        }
        let found = names[0]
        if case .agent(let own) = caller, own != found {
            actions.append(.answer(ask, .deviceEvent(.unauthorized(.wrongUser))))
            return
        }
        guard let user = found else {
            actions.append(.answer(ask, .deviceEvent(.unknownDevice)))
            return
        }
        let party = CallParty(party: event.localParty, alias: event.localAlias ?? event.localParty)
        var record = takeRecord(user)
        for emitted in event.agentEvents(agent: user, numbering: numbering, now: time.unixSeconds) {
            deliverNumbered(emitted, to: user, record: &record, party: party)
        }
        users[user] = record
        count(event.action.rawValue, channel: "action")
        actions.append(.answer(ask, .deviceEvent(nil)))
    }
}
