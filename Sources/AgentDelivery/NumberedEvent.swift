import Routes

/// A per-user event encoded around the place its `seq` goes: `head` ends with `"seq":` and
/// `tail` starts with `,"data":`, so whoever numbers it (the shared state's append, in one Lua
/// script on Redis) writes `head + seq + tail` without parsing the event
/// (docs/agent-protocol.md §1: `{"event":"callRinging","seq":17,"data":{…}}`).
public struct NumberedEvent: Hashable, Sendable {
    public let head: [UInt8]
    public let tail: [UInt8]

    public init(head: [UInt8], tail: [UInt8]) {
        self.head = head
        self.tail = tail
    }

    /// `event` must be a per-user event (`AgentEvent.scope == .user`): only those carry a `seq`.
    public init(_ event: AgentEvent) {
        precondition(event.scope == .user, "only per-user events are numbered")
        let encoded = event.encoded(seq: 0)
        // `{"event":"<name>","seq":0,…`: event names are ASCII letters, so the first `"seq":`
        // is the member the encoder wrote.
        let marker = Array(#","seq":0"#.utf8)
        var split = 0
        while !encoded[split..<(split + marker.count)].elementsEqual(marker) { split += 1 }
        head = Array(encoded[..<(split + marker.count - 1)])
        tail = Array(encoded[(split + marker.count)...])
    }

    /// The message with `seq` written in.
    public func bytes(seq: UInt64) -> [UInt8] {
        head + Array(String(seq).utf8) + tail
    }
}
