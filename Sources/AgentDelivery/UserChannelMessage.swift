/// What arrives on a user's channel (docs/cluster.md §6.2): every instance that holds tabs of the
/// user follows it (Redis pub/sub, one channel per user), so an event numbered on one instance
/// reaches the tabs on all of them. The bytes are written by the shared state (a Lua script on
/// Redis), so the format is plain:
///
/// ```
/// e <seq> <epoch> <message>        a numbered event (an empty message: a tombstone)
/// r <seq> <epoch> <message>        a ringing event sent again
/// p <version>                      the user's tabs after a change, one line each:
/// t <instance> <tab> <order> <address> <browser tab hex | ->
/// x <replaced|loggedOut> <instance> <tab> <order> <address> <browser tab hex | ->
/// ```
public enum UserChannelMessage: Hashable, Sendable {
    case entry(StreamEntry)
    case resend(StreamEntry)
    case presence(PresenceList)

    public var bytes: [UInt8] {
        switch self {
        case .entry(let entry): Self.entryBytes("e", entry)
        case .resend(let entry): Self.entryBytes("r", entry)
        case .presence(let list):
            Array(([ "p \(list.version)"] + list.tabs.map { "t \($0.field) \($0.value)" }
                   + list.removed.map { "x \($0.reason.rawValue) \($0.tab.field) \($0.tab.value)" }).joined(separator: "\n").utf8)
        }
    }

    /// nil for bytes that are none of the shapes above.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 2, bytes[1] == UInt8(ascii: " ") else { return nil }
        switch bytes[0] {
        case UInt8(ascii: "e"), UInt8(ascii: "r"):
            let fields = bytes[2...].split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2, let seq = UInt64(String(decoding: fields[0], as: UTF8.self)), seq > 0 else { return nil }
            let entry = StreamEntry(position: StreamPosition(epoch: String(decoding: fields[1], as: UTF8.self), seq: seq),
                                    bytes: fields.count == 3 ? Array(fields[2]) : [])
            self = bytes[0] == UInt8(ascii: "e") ? .entry(entry) : .resend(entry)
        case UInt8(ascii: "p"):
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            guard let version = UInt64(lines[0].dropFirst(2)) else { return nil }
            var tabs: [TabPresence] = []
            var removed: [PresenceList.Removal] = []
            for line in lines.dropFirst() {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                if parts.first == "t", parts.count == 6,
                   let tab = TabPresence(field: "\(parts[1]) \(parts[2])"[...], value: parts[3...].joined(separator: " ")[...]) {
                    tabs.append(tab)
                } else if parts.first == "x", parts.count == 7, let reason = PresenceList.Reason(rawValue: String(parts[1])),
                          let tab = TabPresence(field: "\(parts[2]) \(parts[3])"[...], value: parts[4...].joined(separator: " ")[...]) {
                    removed.append(PresenceList.Removal(tab: tab, reason: reason))
                } else {
                    return nil
                }
            }
            self = .presence(PresenceList(version: version, tabs: tabs, removed: removed))
        default:
            return nil
        }
    }

    private static func entryBytes(_ kind: Character, _ entry: StreamEntry) -> [UInt8] {
        Array("\(kind) \(entry.seq) \(entry.epoch) ".utf8) + entry.bytes
    }
}
