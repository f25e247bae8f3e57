/// What a reconnecting tab reads to know where its event stream stands (docs/agent-protocol.md §4):
/// the `attach` reply's `lastSeq` and `complete`, the `ready` event's `state.lastSeq`, and the
/// code of an error reply.
extension AgentMessage {
    /// The value at a path of nested object members (`["data", "state", "lastSeq"]`), as its raw
    /// extent in `bytes`; nil when a member is missing or not an object on the way.
    public static func value(at path: [StaticString], in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var base = 0
        var current = UnsafeRawBufferPointer(rebasing: bytes[...])
        for (k, name) in path.enumerated() {
            guard let range = JSONScanner.member(name, in: current) else { return nil }
            if k == path.count - 1 { return base + range.lowerBound ..< base + range.upperBound }
            base += range.lowerBound
            current = UnsafeRawBufferPointer(rebasing: current[range])
        }
        return nil
    }

    /// The `attach` reply `{"id":…,"result":{"state":"READY","lastSeq":42,"complete":true}}`: the
    /// user's last `seq` and whether every event after the tab's `lastSeq` follows (§4).
    public static func attachResult(_ bytes: UnsafeRawBufferPointer) -> (lastSeq: Int, complete: Bool)? {
        guard let seq = Self.value(at: ["result", "lastSeq"], in: bytes).flatMap({ JSONScanner.integer($0, in: bytes) }),
            let complete = Self.value(at: ["result", "complete"], in: bytes)
        else { return nil }
        let literal = String(decoding: bytes[complete], as: UTF8.self)
        guard literal == "true" || literal == "false" else { return nil }
        return (seq, literal == "true")
    }

    /// The `ready` event's state object's `lastSeq` (§4: the last per-user event it reflects).
    public static func readyLastSeq(_ bytes: UnsafeRawBufferPointer) -> Int? {
        Self.value(at: ["data", "state", "lastSeq"], in: bytes).flatMap { JSONScanner.integer($0, in: bytes) }
    }

    /// An error reply's `error.code` (§3), e.g. `wrongState`.
    public static func errorCode(_ bytes: UnsafeRawBufferPointer) -> String? {
        Self.value(at: ["error", "code"], in: bytes).flatMap { JSONScanner.string($0, in: bytes) }
    }
}
