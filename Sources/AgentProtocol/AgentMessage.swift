import JSON

/// The docs/compatibility.md §1.3 `onMessage` message object: a text to show the agent, e.g. that leaving a
/// queue was refused because of the queue's limit.
public struct AgentMessage: Hashable, Sendable {
    /// zpráva
    public var message: String
    public var type: MessageType
    /// druh zprávy; nil as `null`
    public var group: String?
    /// další data vztahující se ke zprávě; nil as `null`
    public var data: [String: JSONValue]?

    public init(message: String, type: MessageType, group: String? = nil, data: [String: JSONValue]? = nil) {
        self.message = message
        self.type = type
        self.group = group
        self.data = data
    }
}

extension JSONWriter {
    package mutating func message(_ message: AgentMessage) {
        raw("{"); key("message"); string(message.message)
        nextKey("type"); string(message.type.rawValue)
        nextKey("group"); optionalString(message.group)
        nextKey("data")
        if let data = message.data { object(data) } else { raw("null") }
        raw("}")
    }
}
