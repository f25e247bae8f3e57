import AgentProtocol

/// The web phone's calls (docs/sip-edge.md §3): the SIP edge follows the dialogs it relays for a
/// user and hands their call events here, delivered like any other per-user event (numbered,
/// replay window, every tab, ringing acks, last callers, Action URLs out). While any of them is in
/// progress the agent is busy at the back end, which offers them no call.
extension DeliveryEngine {
    mutating func phoneCallEvents(_ events: [AgentEvent], of user: String) {
        var record = takeRecord(user)
        let wasBusy = !record.phoneCalls.isEmpty
        for event in events {
            switch event {
            case .callHangup(let call): record.phoneCalls.remove(call.uniqueid)
            case .callNew(let call): record.phoneCalls.insert(call.uniqueid)
            default: break
            }
            deliverNumbered(event, to: user, record: &record, party: nil)
        }
        let busy = !record.phoneCalls.isEmpty
        users[user] = record
        if busy != wasBusy {
            count(busy ? "agent_busy" : "agent_free", channel: "sip")
            ask(.setBusy(user: user, busy: busy), then: nil)
        }
    }
}
