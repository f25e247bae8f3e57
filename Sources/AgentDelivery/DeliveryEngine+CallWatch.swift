import ActionURLs
import LastCallersWidget
import AgentProtocol
import CallControlMessages

/// What the engine does with every call event besides delivering it: remembers who called an
/// external number (docs/compatibility.md §5, docs/click-to-call.md §6), tells an agent rung by that number who
/// it was, and hands the event to the Action URL dispatcher (docs/compatibility.md §4.2, docs/click-to-call.md §5).
extension DeliveryEngine {
    /// An incoming call's `callRinging` with `data.lastCallers`: the agents who called the
    /// caller's number last, most recent first (empty when none, or the number is not external).
    func withLastCallers(_ event: AgentEvent) -> AgentEvent {
        guard case .callRinging(let call) = event, call.direction == .incoming else { return event }
        return Self.event(event, withCallers: call.caller_number_norm.map(lastCallers.lookup(number:)) ?? [])
    }

    /// A `callRinging` with `data.lastCallers` set to `callers`.
    static func event(_ event: AgentEvent, withCallers callers: [LastCaller]) -> AgentEvent {
        guard case .callRinging(var call) = event else { return event }
        call.data["lastCallers"] = LastCallersReply.jsonValue(callers)
        return .callRinging(call)
    }

    /// The external number (E.164) of an incoming ringing: the number whose last callers it carries.
    static func externalCaller(of event: AgentEvent) -> String? {
        guard case .callRinging(let call) = event, call.direction == .incoming, let number = call.caller_number_norm,
              LastCallers.isE164(number) else { return nil }
        return number
    }

    /// With a shared engine, the ringing's callers came from the shared list (this instance's own
    /// when it could not be read: a log line and `last_callers_unshared`); it is appended, then
    /// the user's events that waited for it, in order.
    mutating func lastCallersFound(_ ticket: Ticket, _ result: Result<[LastCaller], SharedStateFailure>) {
        guard case .lastCallers(let user, let ringing, let party, let number)? = pending.removeValue(forKey: ticket) else { return }
        let event: AgentEvent
        switch result {
        case .success(let callers):
            event = Self.event(ringing, withCallers: callers)
        case .failure(let failure):
            count("last_callers_unshared")
            log("last_callers_unshared", ["user": user, "reason": failure.reason])
            event = withLastCallers(ringing)
        }
        var record = takeRecord(user)
        let held = record.heldForCallers ?? []
        record.heldForCallers = nil
        appendNumbered(event, to: user, record: &record, party: party, number: number)
        for next in held { deliverNumbered(next.event, to: user, record: &record, party: next.party, number: next.number) }
        users[user] = record
    }

    /// Records an agent's outgoing call to an external number when it rings or connects, and
    /// publishes the event's Action URL values when targets are configured and the event fires
    /// one: at once with the phone's own `party`, else once the back end named the agent's. With a
    /// shared engine, only the instance whose append wrote the event gets here: the call is put in
    /// the shared list once (`recordLastCaller`), and its Action URL sent once.
    mutating func watch(_ event: AgentEvent, of user: String, party: CallParty?) {
        switch event {
        case .callRinging(let call) where call.direction == .outgoing, .callConnect(let call) where call.direction == .outgoing:
            // Kept here too: with a shared engine, what this instance answers when the shared list
            // cannot be read.
            if let number = call.called_number_norm,
               lastCallers.record(agent: user, displayName: displayNames[user], number: number, at: time.unixSeconds), sharedStream {
                actions.append(.recordLastCaller(number: number, caller: LastCaller(agent: user, displayName: displayNames[user],
                                                                                    at: time.unixSeconds)))
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
