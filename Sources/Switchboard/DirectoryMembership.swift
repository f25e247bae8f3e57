import JSON

/// A user's membership of a queue (the static part of the docs/compatibility.md §1.8 Queue object).
public struct DirectoryMembership: Sendable, Hashable {
    public var queue: Int
    /// Lower is offered calls first.
    public var priority: Int
    public var supervisor: Bool
    public var teamID: Int?

    public init(queue: Int, priority: Int = 0, supervisor: Bool = false, teamID: Int? = nil) {
        self.queue = queue
        self.priority = priority
        self.supervisor = supervisor
        self.teamID = teamID
    }

    static let keys: Set<String> = ["queue", "priority", "supervisor", "team_id"]

    init(_ value: JSONValue, path: String) throws(DirectoryError) {
        let reader = try DirectoryReader(value, path: path)
        self.init(queue: try reader.int("queue"), priority: try reader.optionalInt("priority") ?? 0,
                  supervisor: try reader.bool("supervisor", default: false), teamID: try reader.optionalInt("team_id"))
        try reader.finish(known: Self.keys)
    }
}
