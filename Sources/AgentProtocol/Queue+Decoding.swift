import JSON

extension Queue {
    /// Reads a Queue object as `JSONWriter.queue` writes it (docs/agent-protocol.md §6.3), for the
    /// call-control protocol. `queue_id` and `type` are required; the rest default to 0, false
    /// and null.
    public init(json value: JSONValue, path: String) throws(JSONFieldError) {
        let fields = try JSONFields(value, path: path)
        self.init(queue_id: try fields.int("queue_id"), type: try fields.enumeration("type", QueueType.self),
                  priority: try fields.int("priority", default: 0), supervisor: try fields.bool("supervisor", default: false),
                  suspended: try fields.bool("suspended", default: false), team_id: try fields.optionalInt("team_id"))
        answered = try fields.int("answered", default: 0)
        ringtime = try fields.int("ringtime", default: 0)
        suspendtime = try fields.int("suspendtime", default: 0)
        talktime = try fields.int("talktime", default: 0)
        transferred = try fields.int("transferred", default: 0)
        transferred_external = try fields.int("transferred_external", default: 0)
        unanswered = try fields.int("unanswered", default: 0)
    }
}
