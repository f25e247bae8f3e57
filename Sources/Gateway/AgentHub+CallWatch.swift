import Routes
import Switchboard

/// What the hub does with every call event besides delivering it: remembers who called an
/// external number (seeds/000), tells an agent rung by that number who it was, and relays the
/// event as Action URLs to the configured CRMs (seeds/001).
extension AgentHub {
    /// An incoming call's `callRinging` with `data.lastCallers`: the agents who called the
    /// caller's number last, most recent first (empty when none, or the number is not external).
    func withLastCallers(_ event: AgentEvent) -> AgentEvent {
        guard case .callRinging(var call) = event, call.direction == .incoming else { return event }
        let callers = call.caller_number_norm.map(lastCallers.lookup(number:)) ?? []
        call.data["lastCallers"] = LastCallersReply.jsonValue(callers)
        return .callRinging(call)
    }

    /// Records an agent's outgoing call to an external number when it rings or connects, and
    /// hands the event to the Action URL dispatcher (which only queues it).
    func watch(_ event: AgentEvent, of user: String, party: (party: String, alias: String)?) {
        switch event {
        case .callRinging(let call) where call.direction == .outgoing, .callConnect(let call) where call.direction == .outgoing:
            if let number = call.called_number_norm {
                let name = switchboard.directory.user(named: user)?.displayname
                lastCallers.record(agent: user, displayName: name, number: number, at: wallClock)
            }
        default:
            break
        }
        guard !actionURLs.settings.targets.isEmpty, let own = party ?? switchboard.party(of: user),
              let values = ActionURLValues(event: event, localParty: own.party, localAlias: own.alias, now: wallClock,
                                           utcOffsetSeconds: actionURLs.settings.targetUTCOffsetSeconds) else { return }
        actionURLs.publish(values)
    }

    /// The `/lastcaller/` widget's answer for `number` (E.164), or nobody for nil.
    func lastCallersReply(number: String?) -> LastCallersReply {
        LastCallersReply(number: number, callers: number.map(lastCallers.lookup(number:)) ?? [])
    }
}
