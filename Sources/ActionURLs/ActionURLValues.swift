import AgentProtocol

/// The values of one call event for an outgoing Action URL template, one per
/// `ActionURLPlaceholder`, as plain text (`text(_:)`); `ActionURLTemplate.render` percent-encodes
/// them. Built from an agent event of the embedded Switchboard or a back end
/// (`init?(event:localParty:localAlias:now:utcOffsetSeconds:)`), or from a device Action URL
/// that came in (`init(_:utcOffsetSeconds:)`, to relay a phone's events to the CRM).
public struct ActionURLValues: Hashable, Sendable {
    public var action: ActionURLAction
    public var direction: CallDirection
    public var localParty: String
    public var localAlias: String
    public var holdState: ActionURLHoldState
    public var durationSeconds: Int
    public var created: Int64?
    public var connected: Int64?
    public var disconnected: Int64?
    public var callGuid: String
    public var remoteParty: String
    public var remoteAlias: String
    /// The zone the times are written in, seconds east of UTC (the CRM's expectation: a setting).
    public var utcOffsetSeconds: Int

    public init(action: ActionURLAction, direction: CallDirection, localParty: String, localAlias: String,
                holdState: ActionURLHoldState, durationSeconds: Int, created: Int64?, connected: Int64?,
                disconnected: Int64?, callGuid: String, remoteParty: String, remoteAlias: String, utcOffsetSeconds: Int) {
        self.action = action
        self.direction = direction
        self.localParty = localParty
        self.localAlias = localAlias
        self.holdState = holdState
        self.durationSeconds = durationSeconds
        self.created = created
        self.connected = connected
        self.disconnected = disconnected
        self.callGuid = callGuid
        self.remoteParty = remoteParty
        self.remoteAlias = remoteAlias
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The values for an agent event, or nil when the event fires no Action URL. One action per
    /// call step, whatever the back end's event sequence:
    ///
    /// | event | action |
    /// |---|---|
    /// | `callRinging` of an INCOMING call | `inbound` |
    /// | `callNew` of an OUTGOING call | `outbound` |
    /// | `callConnect` | `connected` |
    /// | `callHold` / `callResume` | `hold` with `on_hold` / `off_hold` |
    /// | `callHangup` | `disconnected` |
    ///
    /// (`callNew` of an incoming call and `callRinging` of an outgoing one fire nothing, so each
    /// call is announced once.) `localParty` is the agent's SIP identity (`alice@pbx.example`),
    /// `localAlias` their display name (nil: `localParty`, as docs/compatibility.md §4.3 says for hardware
    /// phones). The remote party is the Call's `number` and `name` (else the caller's or
    /// called name); `call_guid` is the Call's `call_guid`. `call_duration_seconds` is `(disconnected ?? now) −
    /// connected`, 0 before the call is connected.
    public init?(event: AgentEvent, localParty: String, localAlias: String?, now: Int64, utcOffsetSeconds: Int) {
        let action: ActionURLAction, hold: ActionURLHoldState, call: Call
        switch event {
        case .callRinging(let c) where c.direction == .incoming: (action, hold, call) = (.inbound, .offHold, c)
        case .callNew(let c) where c.direction == .outgoing: (action, hold, call) = (.outbound, .offHold, c)
        case .callConnect(let c): (action, hold, call) = (.connected, .offHold, c)
        case .callHold(let c): (action, hold, call) = (.hold, .onHold, c)
        case .callResume(let c): (action, hold, call) = (.hold, .offHold, c)
        case .callHangup(let c): (action, hold, call) = (.disconnected, .offHold, c)
        default: return nil
        }
        let incoming = call.direction == .incoming
        self.init(action: action, direction: call.direction, localParty: localParty, localAlias: localAlias ?? localParty,
                  holdState: hold,
                  durationSeconds: call.connected.map { Int(max(0, (call.disconnected ?? now) - $0)) } ?? 0,
                  created: call.created, connected: call.connected, disconnected: call.disconnected,
                  callGuid: call.call_guid, remoteParty: call.number,
                  remoteAlias: call.name ?? (incoming ? call.caller_name : call.called_name) ?? "",
                  utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The values of a device Action URL, for relaying it: absent aliases become the party
    /// itself (local) or empty (remote), an absent hold state `off_hold` (`on_hold` for a hold
    /// event without one), an absent duration 0.
    public init(_ event: ActionURLEvent, utcOffsetSeconds: Int) {
        self.init(action: event.action, direction: event.direction, localParty: event.localParty,
                  localAlias: event.localAlias ?? event.localParty,
                  holdState: event.holdState ?? (event.action == .hold ? .onHold : .offHold),
                  durationSeconds: event.durationSeconds ?? 0, created: event.created, connected: event.connected,
                  disconnected: event.disconnected, callGuid: event.callGuid, remoteParty: event.remoteParty,
                  remoteAlias: event.remoteAlias ?? "", utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The plain text of `placeholder` (not yet encoded). Times are `ActionURLTime.format` at
    /// `utcOffsetSeconds`; a time not yet known is empty.
    public func text(_ placeholder: ActionURLPlaceholder) -> String {
        func time(_ value: Int64?) -> String {
            value.map { ActionURLTime.format($0, utcOffsetSeconds: utcOffsetSeconds) } ?? ""
        }
        switch placeholder {
        case .action: return action.rawValue
        case .call_direction: return direction == .incoming ? "inbound" : "outbound"
        case .call_direction_as_int: return direction == .incoming ? "0" : "1"
        case .local_party: return localParty
        case .local_alias: return localAlias
        case .hold_state: return holdState.rawValue
        case .call_duration_seconds: return String(durationSeconds)
        case .call_created_time: return time(created)
        case .call_connected_time: return time(connected)
        case .call_disconnected_time: return time(disconnected)
        case .call_guid: return callGuid
        case .remote_party: return remoteParty
        case .remote_alias: return remoteAlias
        }
    }
}
