import AgentProtocol
import CallControlMessages

/// Delivery (docs/agent-protocol.md §4): per-user events are numbered with the user's next `seq`,
/// kept in the replay window and sent, as the same bytes, to every tab of the user; session
/// events of the back end (`device`, `ready`, `identify`) go to every tab unnumbered, `ready`
/// with the user's `lastSeq`. An incoming `callRinging` waits for an `ack`.
extension DeliveryEngine {
    /// Events of the call-control back end, in its order. They also keep the engine's view of each
    /// user (state, calls) in step.
    mutating func received(_ events: [AddressedEvent]) {
        for addressed in events {
            let user = addressed.user
            var record = takeRecord(user)
            switch addressed.event {
            case .ready(let snapshot):
                record.follow(addressed.event)
                users[user] = record
                deliver(AgentEvent.ready(stamped(snapshot, user: user)).encoded(seq: nil), to: record.tabs)
            case let event where event.scope == .session:
                record.follow(event)
                deliver(event.encoded(seq: nil), to: record.tabs)
            case let event:
                record.followCalls(event)
                deliverNumbered(event, to: user, record: &record, party: nil, number: addressed.number)
            }
            users[user] = record
        }
    }

    /// A per-user event: callers of an incoming call's number added, numbered, kept for
    /// `attach`, sent to every tab, then recorded and relayed as Action URLs (`party`: the
    /// phone's own `local_party` when the event came from it; nil: the back end names it). With a
    /// shared engine it is appended there, and delivered when the append answers
    /// (`DeliveryEngine+SharedStream.swift`); only the instance whose append wrote the event
    /// records and relays it, so an event every instance hears (the Switchboard service) fires
    /// its Action URL once (docs/cluster.md §6.1).
    mutating func deliverNumbered(_ emitted: AgentEvent, to user: String, record: inout UserRecord, party: CallParty?,
                                  number: EventNumber? = nil) {
        if sharedStream {
            if record.heldForCallers != nil {
                record.heldForCallers?.append(UserRecord.HeldEvent(event: emitted, party: party, number: number))
                return
            }
            if let caller = Self.externalCaller(of: emitted) {
                // Who called the number last is in the shared list: the ringing, and the user's
                // events after it, wait for it (`lastCallersFound`).
                record.heldForCallers = []
                actions.append(.lookUpLastCallers(number: caller, ticket: issue(.lastCallers(user: user, emitted, party: party, number: number))))
                return
            }
        }
        appendNumbered(withLastCallers(emitted), to: user, record: &record, party: party, number: number)
    }

    /// Numbers, keeps and sends the event (or appends it to the shared stream), then records and
    /// relays it.
    mutating func appendNumbered(_ event: AgentEvent, to user: String, record: inout UserRecord, party: CallParty?,
                                 number: EventNumber?) {
        if sharedStream {
            // Recorded and relayed once the append answers, by the instance that wrote it.
            actions.append(.append(user: user, event: NumberedEvent(event), ticket: issue(.appended(user: user, event, party: party)),
                                   number: number))
            return
        }
        let entry = record.window.append(now: time.milliseconds) { event.encoded(seq: $0) }
        deliver(entry.bytes, to: record.tabs)
        track(event, entry: entry, of: user, record: &record)
        watch(event, of: user, party: party)
    }

    /// Ringing acks (§4 `ack`): an incoming `callRinging` waits for one; the call's next state
    /// (connected, hung up) ends the wait. With a shared engine, only while the user has tabs
    /// here: an `ack` reaches the instance that holds the tab, not the one that numbered the event.
    mutating func track(_ event: AgentEvent, entry: ReplayWindow.Entry, of user: String, record: inout UserRecord) {
        switch event {
        case .callRinging(let call) where call.direction == .incoming && !(sharedStream && record.tabs.isEmpty):
            record.ringing = UserRecord.Ringing(uniqueid: call.uniqueid, entry: entry)
            acks.expect(user: user, seq: entry.seq, now: time.milliseconds)
        case .callConnect(let call), .callHangup(let call):
            if record.ringing?.uniqueid == call.uniqueid {
                record.ringing = nil
                acks.cancel(user: user)
            }
        default:
            break
        }
    }
}
