import JSON

extension AgentSnapshot {
    /// Reads a state object as `JSONWriter.snapshot` writes it (docs/agent-protocol.md §6.4), for
    /// the call-control protocol (docs/backend-protocol.md §12). `status`, `user` and `now` are
    /// required; `reason`, `call`, `device` and `ringingSound` may be null or absent,
    /// `auxReasons`, `callReasons`, `queues`, `groups` and `agents` default to `{}`,
    /// `waitingCallers` and `lastSeq` to 0 (the gateway sets `lastSeq` itself).
    public init(json value: JSONValue, path: String) throws(JSONFieldError) {
        let fields = try JSONFields(value, path: path)
        func passed(_ key: String) -> JSONValue {
            fields.has(key) ? fields.members[key]! : .object([:])
        }
        self.init(status: try fields.enumeration("status", AgentStatus.self), reason: try fields.optionalString("reason"),
                  call: fields.has("call") ? try Call(json: fields.members["call"]!, path: "\(path).call") : nil,
                  user: try User(json: try fields.value("user"), path: "\(path).user"),
                  device: try fields.optionalObject("device"),
                  auxReasons: passed("auxReasons"), callReasons: passed("callReasons"), queues: passed("queues"),
                  groups: passed("groups"), agents: passed("agents"),
                  waitingCallers: try fields.int("waitingCallers", default: 0), now: try fields.int64("now"),
                  ringingSound: fields.has("ringingSound") ? try fields.enumeration("ringingSound", RingingSound.self) : nil,
                  lastSeq: try fields.uint64("lastSeq", default: 0))
    }
}
