import HTTP1
import AgentProtocol

/// One device Action URL received by the gateway (docs/architecture.md §3.6): a phone or softphone
/// configured with Mia-style Action URLs (docs/compatibility.md §4.2) calls
///
///     GET /action?action=<$action>&call_direction=<$call_direction>&…
///
/// with the parameters named exactly like docs/compatibility.md §4.3's placeholders
/// (`ActionURLEvent.deviceQueryTemplate` is the text to paste into the phone). The phone is bound to an agent by
/// `local_party`; the event becomes the agent bar's call events (`agentEvents(agent:numbering:now:)`).
///
/// Parameters (any other is `unknownParameter`; none may repeat; an empty value is the same as
/// an absent one, except for `remote_party`, where empty means "no number delivered"):
///
/// | parameter | rule |
/// |---|---|
/// | `action` | required: `inbound`, `outbound`, `connected`, `hold`, `disconnected` |
/// | `call_direction` | `inbound` or `outbound` |
/// | `call_direction_as_int` | `0` (inbound) or `1` (outbound) |
/// | `local_party` | required: the phone's SIP URI, `987@example.com` (≤ 256 bytes, no control characters) |
/// | `local_alias` | display name (≤ 256 bytes, no control characters) |
/// | `hold_state` | `on_hold` or `off_hold`; required with `action=hold` |
/// | `call_duration_seconds` | 0–999999999 |
/// | `call_created_time`, `call_connected_time`, `call_disconnected_time` | `2019-03-25T10-34-22` (`ActionURLTime`) |
/// | `call_guid` | required: 1–128 characters of `A–Z a–z 0–9 - . _ ~` (`1399c8c8-cf9e-3ebe-764f-d12b1f7bea35`) |
/// | `remote_party` | the other party's number (≤ 128 bytes, no control characters; may be empty) |
/// | `remote_alias` | the other party's name (≤ 256 bytes, no control characters) |
/// | `key` | an API key (the gateway checks it); `_` is ignored |
///
/// The direction comes from `call_direction`, else `call_direction_as_int`, else the action
/// (`inbound`/`outbound`); for `connected`, `hold` and `disconnected` one of the two direction
/// parameters is required. When several are given they must agree (`conflictingDirection`).
/// A raw leading `+` in `remote_party` stays a plus (phones substitute without encoding).
public struct ActionURLEvent: Hashable, Sendable {
    public var action: ActionURLAction
    public var direction: CallDirection
    public var localParty: String
    public var localAlias: String?
    /// Given with `hold` (required there); may come with the others.
    public var holdState: ActionURLHoldState?
    public var durationSeconds: Int?
    /// Unix seconds, converted with the phone's UTC offset.
    public var created: Int64?
    public var connected: Int64?
    public var disconnected: Int64?
    public var callGuid: String
    /// Empty when the phone delivered no number (withheld).
    public var remoteParty: String
    public var remoteAlias: String?
    /// The `key` parameter, when present and non-empty.
    public var apiKey: String?

    public static let parameters: Set<String> = Set(ActionURLPlaceholder.allCases.map(\.rawValue)).union(["key", "_"])

    /// The query to configure on a phone, after `https://GATEWAY/action?`: every docs/compatibility.md §4.2
    /// placeholder under its own name.
    public static let deviceQueryTemplate = ActionURLPlaceholder.allCases
        .map { "\($0.rawValue)=<$\($0.rawValue)>" }.joined(separator: "&")

    public init(action: ActionURLAction, direction: CallDirection, localParty: String, localAlias: String? = nil,
                holdState: ActionURLHoldState? = nil, durationSeconds: Int? = nil, created: Int64? = nil,
                connected: Int64? = nil, disconnected: Int64? = nil, callGuid: String, remoteParty: String,
                remoteAlias: String? = nil, apiKey: String? = nil) {
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
        self.apiKey = apiKey
    }

    /// The user part of `localParty`: `987` from `987@example.com` or `sip:987@example.com;transport=tcp`.
    /// What the device map binds to an agent, and the agent's number in the Call.
    public var localUser: String {
        var text = Substring(localParty)
        for scheme in ["sip:", "sips:", "tel:"] where text.lowercased().hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
        }
        if let end = text.firstIndex(where: { $0 == "@" || $0 == ";" }) { text = text[..<end] }
        return String(text)
    }

    /// Parses the query of `GET /action`; times are read at `utcOffsetSeconds` east of UTC.
    public static func parse(query: String?, utcOffsetSeconds: Int = 0) -> Result<ActionURLEvent, ActionURLError> {
        let parameters: StrictQuery
        switch StrictQuery.parse(query, allowed: Self.parameters) {
        case .success(let parsed): parameters = parsed
        case .failure(.unknown(let name)): return .failure(.unknownParameter(name))
        case .failure(.repeated(let name)): return .failure(.repeatedParameter(name))
        case .failure(.undecodable), .failure(.tooLong): return .failure(.undecodableQuery)
        }
        func given(_ name: String) -> String? {
            parameters.value(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        func text(_ name: String, max: Int) -> Result<String?, ActionURLError> {
            guard let value = given(name) else { return .success(nil) }
            guard value.utf8.count <= max, !value.unicodeScalars.contains(where: isControl) else {
                return .failure(.invalidValue(name: name, expected: "at most \(max) bytes without control characters"))
            }
            return .success(value)
        }
        func time(_ name: String) -> Result<Int64?, ActionURLError> {
            guard let value = given(name) else { return .success(nil) }
            guard let unix = ActionURLTime.parse(value, utcOffsetSeconds: utcOffsetSeconds) else {
                return .failure(.invalidValue(name: name, expected: "a time like 2019-03-25T10-34-22"))
            }
            return .success(unix)
        }

        guard let actionText = given("action") else { return .failure(.missingParameter("action")) }
        guard let action = ActionURLAction(rawValue: actionText) else {
            return .failure(.invalidValue(name: "action", expected: "inbound, outbound, connected, hold or disconnected"))
        }

        var directions: [CallDirection] = []
        if let value = given("call_direction") {
            switch value {
            case "inbound": directions.append(.incoming)
            case "outbound": directions.append(.outgoing)
            default: return .failure(.invalidValue(name: "call_direction", expected: "inbound or outbound"))
            }
        }
        if let value = given("call_direction_as_int") {
            switch value {
            case "0": directions.append(.incoming)
            case "1": directions.append(.outgoing)
            default: return .failure(.invalidValue(name: "call_direction_as_int", expected: "0 or 1"))
            }
        }
        if action == .inbound { directions.append(.incoming) }
        if action == .outbound { directions.append(.outgoing) }
        guard let direction = directions.first else { return .failure(.missingParameter("call_direction")) }
        guard directions.allSatisfy({ $0 == direction }) else { return .failure(.conflictingDirection) }

        let localParty: String
        switch text("local_party", max: 256) {
        case .success(let value?): localParty = value
        case .success(nil): return .failure(.missingParameter("local_party"))
        case .failure(let error): return .failure(error)
        }

        var holdState: ActionURLHoldState?
        if let value = given("hold_state") {
            guard let parsed = ActionURLHoldState(rawValue: value) else {
                return .failure(.invalidValue(name: "hold_state", expected: "on_hold or off_hold"))
            }
            holdState = parsed
        } else if action == .hold {
            return .failure(.missingParameter("hold_state"))
        }

        var duration: Int?
        if let value = given("call_duration_seconds") {
            guard (1...9).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(.invalidValue(name: "call_duration_seconds", expected: "a whole number of seconds (0–999999999)"))
            }
            duration = Int(value)
        }

        guard let guid = given("call_guid") else { return .failure(.missingParameter("call_guid")) }
        guard guid.utf8.count <= 128, guid.utf8.allSatisfy(QueryString.isUnreserved) else {
            return .failure(.invalidValue(name: "call_guid", expected: "1–128 characters of A–Z a–z 0–9 - . _ ~"))
        }

        let remoteParty = parameters.phoneNumber("remote_party") ?? ""
        guard remoteParty.utf8.count <= 128, !remoteParty.unicodeScalars.contains(where: isControl) else {
            return .failure(.invalidValue(name: "remote_party", expected: "at most 128 bytes without control characters"))
        }

        do throws(ActionURLError) {
            return .success(ActionURLEvent(
                action: action, direction: direction, localParty: localParty,
                localAlias: try text("local_alias", max: 256).get(), holdState: holdState, durationSeconds: duration,
                created: try time("call_created_time").get(), connected: try time("call_connected_time").get(),
                disconnected: try time("call_disconnected_time").get(), callGuid: guid, remoteParty: remoteParty,
                remoteAlias: try text("remote_alias", max: 256).get(), apiKey: given("key")))
        } catch {
            return .failure(error)
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
