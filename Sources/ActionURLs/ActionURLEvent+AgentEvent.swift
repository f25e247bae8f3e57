import AgentProtocol
import ClickToCall

/// What the agent bar receives for a device Action URL: the same call events and Call objects
/// as for a call of the embedded Switchboard (docs/agent-protocol.md §5, §6.1).
///
/// | action | events | Call `state` |
/// |---|---|---|
/// | `inbound` | `callNew` (state new), `callRinging` | ringing |
/// | `outbound` | `callNew` | connecting |
/// | `connected` | `callConnect` | connected |
/// | `hold` + `on_hold` | `callHold` | hold |
/// | `hold` + `off_hold` | `callResume` | connected |
/// | `disconnected` | `callHangup` | hangup |
///
/// Each Action URL carries the whole call (times, parties, guid), so the mapping is stateless:
/// every event of one call gets the same `uniqueid` and `call_guid` (both the phone's
/// `call_guid`) and `id` (derived from the guid, 1–65535). What the phone does not tell is left empty or guessed as
/// documented:
/// - `cause` is `unknown` (0) on hang-up: Action URLs do not say who hung up or why. A call
///   disconnected without ever being connected has `data.missed = true` (docs/compatibility.md §4.2: "this is a
///   missed call").
/// - Times: `created` is `call_created_time`, else `now`; `connected` is
///   `call_connected_time`, else (for `connected`, `hold`) `now`; `disconnected` is
///   `call_disconnected_time`, else (for `disconnected`) `now`.
/// - The local party is the agent's phone: internal, of type `line`, its number `localUser`,
///   its name `local_alias`, its username the bound agent. The remote party is internal when
///   `NumberPlan.isExtension` knows its number (type `line`), else external (type `trunk`,
///   `*_norm` from `NumberPlan.classify`). As in the Switchboard, the callee fills the
///   `connected_*` fields from the start and `name` is the other party's name.
/// - `data.source = "actionURL"` marks the call's origin for the agent bar.
extension ActionURLEvent {
    /// The Call as the agent bound to `localParty` sees it at `now`.
    public func call(agent: String?, numbering: NumberPlan, now: Int64) -> Call {
        let remoteInternal = numbering.isExtension(remoteParty)
        let remoteNorm: String? = remoteInternal ? nil : {
            if case .success(.external(let e164)) = numbering.classify(remoteParty) { return e164 }
            return nil
        }()
        let local = localUser
        let incoming = direction == .incoming
        var call = Call(uniqueid: callGuid, call_guid: callGuid, id: Self.callID(guid: callGuid), direction: direction, state: state,
                        number: remoteParty, caller_number: incoming ? remoteParty : local,
                        called_number: incoming ? local : remoteParty, created: created ?? now, now: now,
                        caller_type: incoming && !remoteInternal ? .trunk : .line)
        if incoming {
            call.caller_name = remoteAlias
            call.caller_number_norm = remoteNorm
            call.caller_internal = remoteInternal
            call.called_name = localAlias
            call.connected_number = local
            call.connected_name = localAlias
            call.connected_internal = true
            call.connected_type = .line
            call.connected_username = agent
        } else {
            call.caller_name = localAlias
            call.caller_extension = local
            call.caller_internal = true
            call.caller_username = agent
            call.called_name = remoteAlias
            call.called_number_norm = remoteNorm
            call.connected_number = remoteParty
            call.connected_name = remoteAlias
            call.connected_number_norm = remoteNorm
            call.connected_internal = remoteInternal
            call.connected_type = remoteInternal ? .line : .trunk
        }
        call.name = remoteAlias
        switch action {
        case .inbound, .outbound:
            call.connected = connected
        case .connected, .hold:
            call.connected = connected ?? now
        case .disconnected:
            call.connected = connected
            call.disconnected = disconnected ?? now
            call.cause = .unknown
        }
        call.subcalls = state == .ringing && incoming ? 1 : 0
        call.data["source"] = .string("actionURL")
        if action == .disconnected && call.connected == nil { call.data["missed"] = .bool(true) }
        return call
    }

    /// The events for the agent bound to `localParty`, in order (see the table above).
    public func agentEvents(agent: String?, numbering: NumberPlan, now: Int64) -> [AgentEvent] {
        let call = call(agent: agent, numbering: numbering, now: now)
        switch action {
        case .inbound:
            var fresh = call
            fresh.state = .new
            return [.callNew(fresh), .callRinging(call)]
        case .outbound: return [.callNew(call)]
        case .connected: return [.callConnect(call)]
        case .hold: return [holdState == .offHold ? .callResume(call) : .callHold(call)]
        case .disconnected: return [.callHangup(call)]
        }
    }

    /// The Call `state` after the event.
    public var state: CallState {
        switch action {
        case .inbound: .ringing
        case .outbound: .connecting
        case .connected: .connected
        case .hold: holdState == .offHold ? .connected : .hold
        case .disconnected: .hangup
        }
    }

    /// A stable call `id` in 1–65535 for `guid` (FNV-1a, 32-bit): the same for every event of
    /// one call. Two calls may share one; calls are identified by `uniqueid`.
    public static func callID(guid: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in guid.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % 65_535) + 1
    }
}
