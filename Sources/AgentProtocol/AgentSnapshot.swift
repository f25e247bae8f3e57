import JSON

/// The bar's whole state: the docs/compatibility.md §1.9 `onReady` `state` object (v4.0.0), which is also the
/// `state` method's result (where v4.55.0 adds `ringingSound`), plus the gateway's `lastSeq`.
///
/// `lastSeq` is the sequence number of the last per-user event the snapshot already reflects:
/// the next per-user event this session receives is `lastSeq + 1`, and a tab that later
/// reconnects `attach`es with the last seq it has seen (docs/agent-protocol.md, "Delivery").
///
/// Encoding: the guide's keys in the guide's order, then `ringingSound` only when set, then
/// `lastSeq`. The guide does not describe `device`, `auxReasons`, `callReasons`, `queues`,
/// `groups` and `agents` beyond "obj", so they pass through as JSON.
public struct AgentSnapshot: Hashable, Sendable {
    public var status: AgentStatus
    /// důvod nepřítomnosti agenta (AUX)
    public var reason: String?
    /// aktivní hovor na spárovaném telefonu
    public var call: Call?
    public var user: User
    /// the paired phone, as the `device` event carries it
    public var device: [String: JSONValue]?
    public var auxReasons: JSONValue
    public var callReasons: JSONValue
    public var queues: JSONValue
    /// enum pro group_id
    public var groups: JSONValue
    public var agents: JSONValue
    /// počet čekajících ve frontách
    public var waitingCallers: Int
    /// aktuální čas UCS (Unix seconds)
    public var now: Int64
    /// Only in the `state` result (docs/compatibility.md §1.9 v4.55.0); nil in `ready`.
    public var ringingSound: RingingSound?
    public var lastSeq: UInt64
    /// The user's stream's life with a shared engine (docs/cluster.md §6): a tab that sees it
    /// change counts from `lastSeq` afresh. nil (not written) without one.
    public var epoch: String?

    public init(status: AgentStatus, reason: String? = nil, call: Call? = nil, user: User,
                device: [String: JSONValue]? = nil, auxReasons: JSONValue = .object([:]),
                callReasons: JSONValue = .object([:]), queues: JSONValue = .object([:]),
                groups: JSONValue = .object([:]), agents: JSONValue = .object([:]),
                waitingCallers: Int = 0, now: Int64, ringingSound: RingingSound? = nil, lastSeq: UInt64) {
        self.status = status
        self.reason = reason
        self.call = call
        self.user = user
        self.device = device
        self.auxReasons = auxReasons
        self.callReasons = callReasons
        self.queues = queues
        self.groups = groups
        self.agents = agents
        self.waitingCallers = waitingCallers
        self.now = now
        self.ringingSound = ringingSound
        self.lastSeq = lastSeq
    }

    /// The guide's keys (`onReady` state), in the order they are written.
    public static let keys: [String] = [
        "status", "reason", "call", "user", "device", "auxReasons", "callReasons", "queues",
        "groups", "agents", "waitingCallers", "now",
    ]

    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 2048)
        json.snapshot(self)
        return json.bytes
    }
}

extension JSONWriter {
    package mutating func snapshot(_ state: AgentSnapshot) {
        raw("{"); key("status"); string(state.status.rawValue)
        nextKey("reason"); optionalString(state.reason)
        nextKey("call")
        if let call = state.call { self.call(call) } else { raw("null") }
        nextKey("user"); user(state.user)
        nextKey("device")
        if let device = state.device { object(device) } else { raw("null") }
        nextKey("auxReasons"); value(state.auxReasons)
        nextKey("callReasons"); value(state.callReasons)
        nextKey("queues"); value(state.queues)
        nextKey("groups"); value(state.groups)
        nextKey("agents"); value(state.agents)
        nextKey("waitingCallers"); integer(state.waitingCallers)
        nextKey("now"); integer(state.now)
        if let sound = state.ringingSound {
            nextKey("ringingSound"); string(sound.rawValue)
        }
        nextKey("lastSeq"); integer(state.lastSeq)
        if let epoch = state.epoch { nextKey("epoch"); string(epoch) }
        raw("}")
    }
}
