import AgentProtocol
import JSON

/// A queue of the directory: incoming queues distribute callers to their members; outgoing
/// queues (campaigns) are what an agent may `dial` under (`outbound_id`).
public struct DirectoryQueue: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var type: QueueType
    /// The public number callers dial to reach the queue (the Call's `called_number`); default
    /// the id in decimal.
    public var number: String

    public init(id: Int, name: String, type: QueueType, number: String? = nil) {
        self.id = id
        self.name = name
        self.type = type
        self.number = number ?? String(id)
    }

    static let keys: Set<String> = ["id", "name", "type", "number"]

    init(_ value: JSONValue, path: String) throws(DirectoryError) {
        let reader = try DirectoryReader(value, path: path)
        let id = try reader.int("id")
        guard id > 0 else { throw DirectoryError(path: reader.at("id"), problem: "must be a positive integer") }
        let name = try reader.string("name")
        let type: QueueType
        switch try reader.string("type") {
        case "incoming": type = .incoming
        case "outgoing": type = .outgoing
        default: throw DirectoryError(path: reader.at("type"), problem: "must be \"incoming\" or \"outgoing\"")
        }
        let number = try reader.optionalString("number")
        try reader.finish(known: Self.keys)
        self.init(id: id, name: name, type: type, number: number)
    }
}
