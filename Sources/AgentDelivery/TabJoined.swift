/// A tab joined a user's tabs on one instance (docs/cluster.md §6.1), published on the user's
/// channel so that the other instances holding tabs of the user apply the rules of
/// docs/agent-protocol.md §4 to theirs: `autologout` logs out their tabs of other browsers, and a
/// tab with the same browser tab id was replaced (4009). On the channel:
///
/// ```
/// j <autologout 0|1> <instance> <address> <browser tab id, empty when none>
/// ```
public struct TabJoined: Hashable, Sendable {
    /// The instance the tab joined on (its own message comes back to it and is skipped).
    public var instance: String
    /// The tab's client address: `autologout` keeps the tabs of the same address.
    public var address: String
    public var browserTab: String?
    /// The login asked to log the user's other browsers out, and the settings allow it.
    public var autologout: Bool

    public init(instance: String, address: String, browserTab: String?, autologout: Bool) {
        self.instance = instance
        self.address = address
        self.browserTab = browserTab
        self.autologout = autologout
    }

    public var bytes: [UInt8] {
        Array("j \(autologout ? 1 : 0) \(instance) \(address) \(browserTab ?? "")".utf8)
    }

    /// nil for bytes of another shape.
    public init?(bytes: [UInt8]) {
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "j"), bytes[1] == UInt8(ascii: " ") else { return nil }
        let fields = bytes[2...].split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].count == 1, let flag = fields[0].first, flag == UInt8(ascii: "0") || flag == UInt8(ascii: "1"),
              !fields[1].isEmpty, !fields[2].isEmpty else { return nil }
        autologout = flag == UInt8(ascii: "1")
        instance = String(decoding: fields[1], as: UTF8.self)
        address = String(decoding: fields[2], as: UTF8.self)
        browserTab = fields[3].isEmpty ? nil : String(decoding: fields[3], as: UTF8.self)
    }
}
