import JSON

/// A call, field for field the docs/compatibility.md §1.6 Call object (v4.0.0). Property names are the guide's JSON
/// keys verbatim (snake_case on purpose: the wire names are the contract, and grep finds them).
///
/// Encoding (`encoded()`): every key always present, in alphabetical order (the guide's); an
/// optional that is nil is `null`. `call_guid` is Callgate's addition to the guide's keys
/// (docs/compatibility.md §4.3, `<$call_guid>`), and sorts first. Timestamps are Unix seconds; a not-yet time is
/// `null`. Numbers: `*_norm` hold `E164.normalize` of the matching number, `null` when it does not normalise (an
/// internal extension, a withheld number).
public struct Call: Hashable, Sendable {
    /// The call's GUID (docs/compatibility.md §4.3, `<$call_guid>`): from the embedded Switchboard a UUIDv7 (RFC
    /// 9562 §5.7: 48 bits of Unix milliseconds, 74 random bits), the same for every event of the
    /// call and unique across gateways and restarts; from a phone's Action URL the phone's own.
    public var call_guid: String
    /// jméno volaného
    public var called_name: String?
    /// číslo volaného
    public var called_number: String
    /// číslo volaného ve formátu E.164
    public var called_number_norm: String?
    /// jméno SIP kanálu
    public var caller_channel: String?
    /// číslo klapky volajícího
    public var caller_extension: String?
    /// skupina UCS ve které je zařazen volající
    public var caller_group_id: Int?
    /// volající je vnitřní klapka PBX
    public var caller_internal: Bool
    /// ID linky telefonu volajícího
    public var caller_line_id: Int?
    /// mikrofon volajícího je vypnut
    public var caller_muted: Bool
    /// jméno volajícího
    public var caller_name: String?
    /// číslo volajícího
    public var caller_number: String
    /// číslo volajícího ve formátu E.164
    public var caller_number_norm: String?
    /// typ kanálu volajícího
    public var caller_type: ChannelType
    /// ID uživatele klapky
    public var caller_user_id: Int?
    /// uživatelské jméno UCS uživatele klapky
    public var caller_username: String?
    /// důvod zavěšení hovoru; `.notSet` (-1) until hung up
    public var cause: HangupCause
    /// čas spojení hovoru (Unix seconds); nil until connected
    public var connected: Int64?
    /// jméno SIP kanálu na který je hovor spojen
    public var connected_channel: String?
    /// skupina UCS ve které je zařazen volaný
    public var connected_group_id: Int?
    /// spojený je vnitřní klapka PBX
    public var connected_internal: Bool
    /// ID linky telefonu (the guide says "volajícího", caller's; read as the connected party's)
    public var connected_line_id: Int?
    /// mikrofon volaného je vypnut
    public var connected_muted: Bool
    /// jméno spojeného
    public var connected_name: String?
    /// číslo na které je hovor spojen
    public var connected_number: String?
    /// číslo na které je hovor spojen ve formátu E.164
    public var connected_number_norm: String?
    /// typ kanálu spojeného; nil until someone is connected
    public var connected_type: ChannelType?
    /// ID uživatele spojeného
    public var connected_user_id: Int?
    /// uživatelské jméno UCS volaného uživatele
    public var connected_username: String?
    /// čas vytvoření hovoru (Unix seconds)
    public var created: Int64
    /// metadata hovoru (external lookup results, `dial`'s `data`, …)
    public var data: [String: JSONValue]
    public var direction: CallDirection
    /// čas zavěšení hovoru (Unix seconds); nil until hung up
    public var disconnected: Int64?
    /// ID získané při lookupu jména volajícího
    public var external_id: String?
    /// ID aktivního hovoru, rotates through 1–65535: identify calls by `uniqueid`
    public var id: Int
    /// the other party's name found by the back end in an external system
    public var name: String?
    /// aktuální čas UCS (Unix seconds)
    public var now: Int64
    /// the called number for an outgoing call, the caller's for an incoming one
    public var number: String
    /// ID odchozí kampaně; nil when not dialled under a campaign
    public var outbound_id: Int?
    /// zda byla pořízena nahrávka hovoru
    public var recorded: Bool
    public var state: CallState
    /// počet vyzvánějících telefonů (hunt group)
    public var subcalls: Int
    /// unikátní ID hovoru
    public var uniqueid: String

    /// A call as first seen: the required fields, everything else empty, `cause` not set.
    public init(uniqueid: String, call_guid: String, id: Int, direction: CallDirection, state: CallState, number: String,
                caller_number: String, called_number: String, created: Int64, now: Int64,
                caller_type: ChannelType = .line) {
        self.call_guid = call_guid
        self.called_name = nil
        self.called_number = called_number
        self.called_number_norm = nil
        self.caller_channel = nil
        self.caller_extension = nil
        self.caller_group_id = nil
        self.caller_internal = false
        self.caller_line_id = nil
        self.caller_muted = false
        self.caller_name = nil
        self.caller_number = caller_number
        self.caller_number_norm = nil
        self.caller_type = caller_type
        self.caller_user_id = nil
        self.caller_username = nil
        self.cause = .notSet
        self.connected = nil
        self.connected_channel = nil
        self.connected_group_id = nil
        self.connected_internal = false
        self.connected_line_id = nil
        self.connected_muted = false
        self.connected_name = nil
        self.connected_number = nil
        self.connected_number_norm = nil
        self.connected_type = nil
        self.connected_user_id = nil
        self.connected_username = nil
        self.created = created
        self.data = [:]
        self.direction = direction
        self.disconnected = nil
        self.external_id = nil
        self.id = id
        self.name = nil
        self.now = now
        self.number = number
        self.outbound_id = nil
        self.recorded = false
        self.state = state
        self.subcalls = 0
        self.uniqueid = uniqueid
    }

    /// The keys, in the order `encoded()` writes them: `call_guid`, then the guide's.
    public static let keys: [String] = [
        "call_guid", "called_name", "called_number", "called_number_norm", "caller_channel", "caller_extension",
        "caller_group_id", "caller_internal", "caller_line_id", "caller_muted", "caller_name",
        "caller_number", "caller_number_norm", "caller_type", "caller_user_id", "caller_username",
        "cause", "connected", "connected_channel", "connected_group_id", "connected_internal",
        "connected_line_id", "connected_muted", "connected_name", "connected_number",
        "connected_number_norm", "connected_type", "connected_user_id", "connected_username",
        "created", "data", "direction", "disconnected", "external_id", "id", "name", "now", "number",
        "outbound_id", "recorded", "state", "subcalls", "uniqueid",
    ]

    /// Compact JSON, keys as in `Call.keys`.
    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 1024)
        json.call(self)
        return json.bytes
    }
}

extension JSONWriter {
    public mutating func call(_ call: Call) {
        raw("{"); key("call_guid"); string(call.call_guid)
        nextKey("called_name"); optionalString(call.called_name)
        nextKey("called_number"); string(call.called_number)
        nextKey("called_number_norm"); optionalString(call.called_number_norm)
        nextKey("caller_channel"); optionalString(call.caller_channel)
        nextKey("caller_extension"); optionalString(call.caller_extension)
        nextKey("caller_group_id"); optionalInteger(call.caller_group_id)
        nextKey("caller_internal"); bool(call.caller_internal)
        nextKey("caller_line_id"); optionalInteger(call.caller_line_id)
        nextKey("caller_muted"); bool(call.caller_muted)
        nextKey("caller_name"); optionalString(call.caller_name)
        nextKey("caller_number"); string(call.caller_number)
        nextKey("caller_number_norm"); optionalString(call.caller_number_norm)
        nextKey("caller_type"); string(call.caller_type.rawValue)
        nextKey("caller_user_id"); optionalInteger(call.caller_user_id)
        nextKey("caller_username"); optionalString(call.caller_username)
        nextKey("cause"); integer(call.cause.rawValue)
        nextKey("connected"); optionalInteger(call.connected)
        nextKey("connected_channel"); optionalString(call.connected_channel)
        nextKey("connected_group_id"); optionalInteger(call.connected_group_id)
        nextKey("connected_internal"); bool(call.connected_internal)
        nextKey("connected_line_id"); optionalInteger(call.connected_line_id)
        nextKey("connected_muted"); bool(call.connected_muted)
        nextKey("connected_name"); optionalString(call.connected_name)
        nextKey("connected_number"); optionalString(call.connected_number)
        nextKey("connected_number_norm"); optionalString(call.connected_number_norm)
        nextKey("connected_type"); optionalString(call.connected_type?.rawValue)
        nextKey("connected_user_id"); optionalInteger(call.connected_user_id)
        nextKey("connected_username"); optionalString(call.connected_username)
        nextKey("created"); integer(call.created)
        nextKey("data"); object(call.data)
        nextKey("direction"); string(call.direction.rawValue)
        nextKey("disconnected"); optionalInteger(call.disconnected)
        nextKey("external_id"); optionalString(call.external_id)
        nextKey("id"); integer(call.id)
        nextKey("name"); optionalString(call.name)
        nextKey("now"); integer(call.now)
        nextKey("number"); string(call.number)
        nextKey("outbound_id"); optionalInteger(call.outbound_id)
        nextKey("recorded"); bool(call.recorded)
        nextKey("state"); integer(call.state.rawValue)
        nextKey("subcalls"); integer(call.subcalls)
        nextKey("uniqueid"); string(call.uniqueid)
        raw("}")
    }
}
