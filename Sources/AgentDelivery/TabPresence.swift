/// One instance's tabs of a user (docs/cluster.md §6.7), published on the user's channel whenever
/// they change (a tab joins, closes, is replaced or logged out; 0 when the last one goes), so that
/// every instance holding tabs of the user counts them all and elects the same primary tab. On the
/// channel:
///
/// ```
/// p <ask 0|1> <instance> <tabs> <first joined, Unix ms>
/// ```
///
/// `ask`: the sender has just begun to follow the user (or its link to Redis came back), and
/// every instance with tabs of the user answers with its own (ask 0). The instance itself is
/// known alive from its heartbeat on the instances' channel (`heartbeatBytes`).
public struct TabPresence: Hashable, Sendable {
    public var instance: String
    /// How many tabs of the user the instance holds (0: it holds none any more).
    public var tabs: Int
    /// When its oldest tab joined (the primary tab's, if the instance holds it), Unix milliseconds
    /// of that instance's clock.
    public var firstJoined: Int64
    public var ask: Bool

    public init(instance: String, tabs: Int, firstJoined: Int64, ask: Bool) {
        self.instance = instance
        self.tabs = tabs
        self.firstJoined = firstJoined
        self.ask = ask
    }

    public var bytes: [UInt8] {
        Array("p \(ask ? 1 : 0) \(instance) \(tabs) \(firstJoined)".utf8)
    }

    /// nil for bytes of another shape.
    public init?(bytes: [UInt8]) {
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "p"), bytes[1] == UInt8(ascii: " ") else { return nil }
        let fields = bytes[2...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 4, fields[0] == "0" || fields[0] == "1", !fields[1].isEmpty,
              let tabs = Int(fields[2]), tabs >= 0, let firstJoined = Int64(fields[3]) else { return nil }
        ask = fields[0] == "1"
        instance = fields[1]
        self.tabs = tabs
        self.firstJoined = firstJoined
    }

    /// Before `other` in the order of the primary tab: the earlier first join, then the lower
    /// instance name (instances agree on it without a lock).
    func precedes(_ other: TabPresence) -> Bool {
        (firstJoined, instance) < (other.firstJoined, other.instance)
    }

    /// An instance's heartbeat on the instances' channel: it is alive, and so are its tabs.
    public static func heartbeatBytes(instance: String) -> [UInt8] { Array("h \(instance)".utf8) }

    /// The instance of a `heartbeatBytes` message; nil for another shape.
    public static func heartbeat(_ bytes: [UInt8]) -> String? {
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "h"), bytes[1] == UInt8(ascii: " "),
              !bytes[2...].contains(UInt8(ascii: " ")) else { return nil }
        return String(decoding: bytes[2...], as: UTF8.self)
    }
}
