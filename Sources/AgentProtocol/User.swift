import JSON

/// The logged-in agent, field for field the docs/compatibility.md §1.7 User object (v4.0.0), statistics included.
/// Property names are the guide's JSON keys verbatim.
///
/// Encoding: every key always present, in the guide's (alphabetical) order, nil as `null`; times
/// are seconds. `auxtimes` and `data` are objects with their members sorted by name; `queues` is
/// an object keyed by the queue id in decimal (JSON names are strings), ascending numerically.
public struct User: Hashable, Sendable {
    /// čas strávený v ACW
    public var acwtime: Int
    /// čas strávený ve stavech nepřipraven
    public var auxtime: Int
    /// seconds per AUX reason name
    public var auxtimes: [String: Int]
    /// custom data uživatele nadefinovaná v UCS
    public var data: [String: JSONValue]
    public var displayname: String
    public var email: String?
    /// ID from an external identity provider
    public var external_id: String?
    public var firstname: String
    /// ID skupiny do které uživatel patří
    public var group_id: Int?
    /// ID uživatele (primární klíč)
    public var id: Int
    /// ready but not talking
    public var idletime: Int
    public var in_calls_answered: Int
    public var in_calls_unanswered: Int
    public var in_ringtime: Int
    public var in_talktime: Int
    public var lastname: String
    /// the user's lines; the guide does not describe a line object, so they pass through as JSON
    public var lines: [JSONValue]
    /// jazyk uživatele, e.g. "cs"
    public var locale: String
    /// externí telefonní číslo uživatele
    public var number: String?
    public var out_calls_answered: Int
    public var out_calls_unanswered: Int
    public var out_ringtime: Int
    public var out_talktime: Int
    /// ID primární klapky, pokud není použito přihlašování k linkám
    public var primary_extension: Int?
    /// queue id → the agent's membership of it
    public var queues: [Int: Queue]
    /// ready, ringing and talking included
    public var readytime: Int
    public var ringtime: Int
    public var status: AgentStatus
    public var superuser: Bool
    public var talktime: Int
    public var transferred: Int
    public var transferred_external: Int

    /// A user with zeroed statistics and no queues.
    public init(id: Int, displayname: String, firstname: String = "", lastname: String = "",
                locale: String = "cs", status: AgentStatus = .offline) {
        self.acwtime = 0
        self.auxtime = 0
        self.auxtimes = [:]
        self.data = [:]
        self.displayname = displayname
        self.email = nil
        self.external_id = nil
        self.firstname = firstname
        self.group_id = nil
        self.id = id
        self.idletime = 0
        self.in_calls_answered = 0
        self.in_calls_unanswered = 0
        self.in_ringtime = 0
        self.in_talktime = 0
        self.lastname = lastname
        self.lines = []
        self.locale = locale
        self.number = nil
        self.out_calls_answered = 0
        self.out_calls_unanswered = 0
        self.out_ringtime = 0
        self.out_talktime = 0
        self.primary_extension = nil
        self.queues = [:]
        self.readytime = 0
        self.ringtime = 0
        self.status = status
        self.superuser = false
        self.talktime = 0
        self.transferred = 0
        self.transferred_external = 0
    }

    /// The guide's keys, in the order `encoded()` writes them.
    public static let keys: [String] = [
        "acwtime", "auxtime", "auxtimes", "data", "displayname", "email", "external_id", "firstname",
        "group_id", "id", "idletime", "in_calls_answered", "in_calls_unanswered", "in_ringtime",
        "in_talktime", "lastname", "lines", "locale", "number", "out_calls_answered",
        "out_calls_unanswered", "out_ringtime", "out_talktime", "primary_extension", "queues",
        "readytime", "ringtime", "status", "superuser", "talktime", "transferred",
        "transferred_external",
    ]

    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 1024)
        json.user(self)
        return json.bytes
    }
}

extension JSONWriter {
    public mutating func user(_ user: User) {
        raw("{"); key("acwtime"); integer(user.acwtime)
        nextKey("auxtime"); integer(user.auxtime)
        nextKey("auxtimes"); object(user.auxtimes.mapValues { JSONValue.integer($0) })
        nextKey("data"); object(user.data)
        nextKey("displayname"); string(user.displayname)
        nextKey("email"); optionalString(user.email)
        nextKey("external_id"); optionalString(user.external_id)
        nextKey("firstname"); string(user.firstname)
        nextKey("group_id"); optionalInteger(user.group_id)
        nextKey("id"); integer(user.id)
        nextKey("idletime"); integer(user.idletime)
        nextKey("in_calls_answered"); integer(user.in_calls_answered)
        nextKey("in_calls_unanswered"); integer(user.in_calls_unanswered)
        nextKey("in_ringtime"); integer(user.in_ringtime)
        nextKey("in_talktime"); integer(user.in_talktime)
        nextKey("lastname"); string(user.lastname)
        nextKey("lines"); value(.array(user.lines))
        nextKey("locale"); string(user.locale)
        nextKey("number"); optionalString(user.number)
        nextKey("out_calls_answered"); integer(user.out_calls_answered)
        nextKey("out_calls_unanswered"); integer(user.out_calls_unanswered)
        nextKey("out_ringtime"); integer(user.out_ringtime)
        nextKey("out_talktime"); integer(user.out_talktime)
        nextKey("primary_extension"); optionalInteger(user.primary_extension)
        nextKey("queues"); raw("{")
        for (index, queueID) in user.queues.keys.sorted().enumerated() {
            if index > 0 { raw(",") }
            raw("\"")
            integer(queueID)
            raw("\":")
            queue(user.queues[queueID]!)
        }
        raw("}")
        nextKey("readytime"); integer(user.readytime)
        nextKey("ringtime"); integer(user.ringtime)
        nextKey("status"); string(user.status.rawValue)
        nextKey("superuser"); bool(user.superuser)
        nextKey("talktime"); integer(user.talktime)
        nextKey("transferred"); integer(user.transferred)
        nextKey("transferred_external"); integer(user.transferred_external)
        raw("}")
    }
}
