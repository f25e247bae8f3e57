import Routes

/// What the engine does with every call event besides delivering it: remembers who called an
/// external number (docs/compatibility.md §5, docs/click-to-call.md §6), tells an agent rung by that number who
/// it was, and hands the event to the Action URL dispatcher (docs/compatibility.md §4.2, docs/click-to-call.md §5).
extension DeliveryEngine {
    /// An incoming call's `callRinging` with `data.lastCallers`: the agents who called the
    /// caller's number last, most recent first (empty when none, or the number is not external).
    func withLastCallers(_ event: AgentEvent) -> AgentEvent {
        guard case .callRinging(var call) = event, call.direction == .incoming else { return event }
        let callers = call.caller_number_norm.map(lastCallers.lookup(number:)) ?? []
        call.data["lastCallers"] = LastCallersReply.jsonValue(callers)
        return .callRinging(call)
    }

    /// Records an agent's outgoing call to an external number when it rings or connects, and
    /// publishes the event's Action URL values when targets are configured and the event fires
    /// one: at once with the phone's own `party`, else once the back end named the agent's.
    mutating func watch(_ event: AgentEvent, of user: String, party: CallParty?) {
        switch event {
        case .callRinging(let call) where call.direction == .outgoing, .callConnect(let call) where call.direction == .outgoing:
            if let number = call.called_number_norm {
                lastCallers.record(agent: user, displayName: displayNames[user], number: number, at: time.unixSeconds)
            }
        default:
            break
        }
        guard let offset = actionURLOffsetSeconds,
              let values = ActionURLValues(event: event, localParty: party?.party ?? user, localAlias: party?.alias,
                                           now: time.unixSeconds, utcOffsetSeconds: offset) else { return }
        if party != nil {
            actions.append(.publish(values))
        } else {
            ask(.party(user: user), then: .publish(values))
        }
    }
}
