import AgentProtocol

/// A per-user event encoded around the place its `seq` goes: `head` ends with `"seq":` and
/// `tail` starts with `,"data":`, so whoever numbers it (the shared engine's append, one Lua
/// script on Redis, docs/cluster.md §3) writes `head + seq + ,"epoch":"…" + tail` without parsing
/// the event (docs/agent-protocol.md §1, §4: `{"event":"callRinging","seq":17,"epoch":"9f…","data":{…}}`).
///
/// A `plain` payload is kept as it is, unnumbered (the state engine's contract tests).
public struct NumberedEvent: Hashable, Sendable {
    public let head: [UInt8]
    public let tail: [UInt8]
    /// false: `head` is the whole payload, stored as given.
    public let numbered: Bool

    public init(head: [UInt8], tail: [UInt8]) {
        self.head = head
        self.tail = tail
        numbered = true
    }

    /// A payload stored and replayed as given.
    public init(plain: [UInt8]) {
        head = plain
        tail = []
        numbered = false
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
        numbered = true
    }

    /// The message with `seq` (and the stream's `epoch`, when there is one) written in.
    public func bytes(seq: UInt64, epoch: String?) -> [UInt8] {
        guard numbered else { return head }
        let epochMember = epoch.map { #","epoch":""# + $0 + "\"" } ?? ""
        return head + Array(String(seq).utf8) + Array(epochMember.utf8) + tail
    }
}
