import JSON

/// An agent's membership of one queue, field for field the docs/compatibility.md §1.8 Queue object (v4.0.0): the
/// values of User `queues`. Property names are the guide's JSON keys verbatim.
///
/// Encoding: every key always present, in the guide's order; times are seconds.
public struct Queue: Hashable, Sendable {
    /// počet spojených hovorů
    public var answered: Int
    /// priorita agenta ve frontě
    public var priority: Int
    /// ID fronty
    public var queue_id: Int
    /// čas vyzvánění (seconds)
    public var ringtime: Int
    /// příznak, zda se jedná o supervizora
    public var supervisor: Bool
    /// agent is suspended from serving calls in this queue (`suspend`/`resume`)
    public var suspended: Bool
    /// time suspended (seconds)
    public var suspendtime: Int
    /// prohovořený čas (seconds)
    public var talktime: Int
    /// ID týmu do kterého agent spadá; nil when in no team
    public var team_id: Int?
    /// počet přepojených hovorů agenta z front
    public var transferred: Int
    /// počet přepojených hovorů mimo část CC agenta
    public var transferred_external: Int
    public var type: QueueType
    /// počet nespojených hovorů
    public var unanswered: Int

    /// A membership with zeroed statistics.
    public init(queue_id: Int, type: QueueType, priority: Int = 0, supervisor: Bool = false,
                suspended: Bool = false, team_id: Int? = nil) {
        self.answered = 0
        self.priority = priority
        self.queue_id = queue_id
        self.ringtime = 0
        self.supervisor = supervisor
        self.suspended = suspended
        self.suspendtime = 0
        self.talktime = 0
        self.team_id = team_id
        self.transferred = 0
        self.transferred_external = 0
        self.type = type
        self.unanswered = 0
    }

    /// The guide's keys, in the order `encoded()` writes them.
    public static let keys: [String] = [
        "answered", "priority", "queue_id", "ringtime", "supervisor", "suspended", "suspendtime",
        "talktime", "team_id", "transferred", "transferred_external", "type", "unanswered",
    ]

    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.queue(self)
        return json.bytes
    }
}

extension JSONWriter {
    package mutating func queue(_ queue: Queue) {
        raw("{"); key("answered"); integer(queue.answered)
        nextKey("priority"); integer(queue.priority)
        nextKey("queue_id"); integer(queue.queue_id)
        nextKey("ringtime"); integer(queue.ringtime)
        nextKey("supervisor"); bool(queue.supervisor)
        nextKey("suspended"); bool(queue.suspended)
        nextKey("suspendtime"); integer(queue.suspendtime)
        nextKey("talktime"); integer(queue.talktime)
        nextKey("team_id"); optionalInteger(queue.team_id)
        nextKey("transferred"); integer(queue.transferred)
        nextKey("transferred_external"); integer(queue.transferred_external)
        nextKey("type"); integer(queue.type.rawValue)
        nextKey("unanswered"); integer(queue.unanswered)
        raw("}")
    }
}
