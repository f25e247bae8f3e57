import JSON

extension User {
    /// Reads a User object as `JSONWriter.user` writes it (docs/agent-protocol.md §6.2), for the
    /// call-control protocol (docs/backend-protocol.md §12). `id` and `displayname` are required;
    /// a back end may leave out the rest: statistics 0, names `""`, `locale` `cs`, `status`
    /// OFFLINE, `superuser` false, objects and lists empty, the others null.
    public init(json value: JSONValue, path: String) throws(JSONFieldError) {
        let fields = try JSONFields(value, path: path)
        self.init(id: try fields.int("id"), displayname: try fields.string("displayname"),
                  firstname: try fields.string("firstname", default: ""), lastname: try fields.string("lastname", default: ""),
                  locale: try fields.string("locale", default: "cs"),
                  status: try fields.enumeration("status", AgentStatus.self, default: .offline))
        acwtime = try fields.int("acwtime", default: 0)
        auxtime = try fields.int("auxtime", default: 0)
        for (reason, seconds) in try fields.object("auxtimes", default: [:]) {
            guard let seconds = seconds.int64Value.flatMap({ Int(exactly: $0) }) else {
                throw fields.error("auxtimes.\(reason)", "an integer")
            }
            auxtimes[reason] = seconds
        }
        data = try fields.object("data", default: [:])
        email = try fields.optionalString("email")
        external_id = try fields.optionalString("external_id")
        group_id = try fields.optionalInt("group_id")
        idletime = try fields.int("idletime", default: 0)
        in_calls_answered = try fields.int("in_calls_answered", default: 0)
        in_calls_unanswered = try fields.int("in_calls_unanswered", default: 0)
        in_ringtime = try fields.int("in_ringtime", default: 0)
        in_talktime = try fields.int("in_talktime", default: 0)
        lines = try fields.array("lines", default: [])
        number = try fields.optionalString("number")
        out_calls_answered = try fields.int("out_calls_answered", default: 0)
        out_calls_unanswered = try fields.int("out_calls_unanswered", default: 0)
        out_ringtime = try fields.int("out_ringtime", default: 0)
        out_talktime = try fields.int("out_talktime", default: 0)
        primary_extension = try fields.optionalInt("primary_extension")
        let queues = JSONFields(try fields.object("queues", default: [:]), path: "\(path).queues")
        for (key, queue) in queues.members {
            guard let id = Int(key) else { throw queues.error(key, "a queue id in decimal as the member name") }
            self.queues[id] = try Queue(json: queue, path: "\(queues.path).\(key)")
        }
        readytime = try fields.int("readytime", default: 0)
        ringtime = try fields.int("ringtime", default: 0)
        superuser = try fields.bool("superuser", default: false)
        talktime = try fields.int("talktime", default: 0)
        transferred = try fields.int("transferred", default: 0)
        transferred_external = try fields.int("transferred_external", default: 0)
    }
}
