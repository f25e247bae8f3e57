/// One tab of a user as every gateway instance sees it (docs/cluster.md §6.2): which instance
/// holds it, under what number there, its place in the order the user's tabs joined (the first
/// is primary, docs/agent-protocol.md §4), the client's address (`autologout` keeps one
/// browser's tabs) and the browser tab's id (a reconnecting tab takes its old place).
public struct TabPresence: Hashable, Sendable {
    public var instance: String
    public var tab: UInt64
    /// The join order the shared registry gave it (0 before it did); a tab that takes the place of
    /// one with its browser tab id takes that one's order.
    public var order: UInt64
    public var address: String
    public var browserTab: String?

    public init(instance: String, tab: UInt64, order: UInt64 = 0, address: String, browserTab: String?) {
        self.instance = instance
        self.tab = tab
        self.order = order
        self.address = address
        self.browserTab = browserTab
    }

    /// The registry's field for it: `<instance> <tab>`.
    public var field: String { "\(instance) \(tab)" }

    /// The registry's value for it: `<order> <address> <browser tab in hex, or ->`; the browser
    /// tab's id is hex so that any bytes of it survive (it is 1–64 bytes of the bar's choice).
    public var value: String { "\(order) \(address) \(browserTab.map(Self.hex) ?? "-")" }

    /// Rebuilds it from a registry field and value.
    public init?(field: Substring, value: Substring) {
        let names = field.split(separator: " ")
        let values = value.split(separator: " ")
        guard names.count == 2, values.count == 3, let tab = UInt64(names[1]), let order = UInt64(values[0]) else { return nil }
        instance = String(names[0])
        self.tab = tab
        self.order = order
        address = String(values[1])
        if values[2] == "-" {
            browserTab = nil
        } else {
            guard let bytes = Self.unhex(values[2]) else { return nil }
            browserTab = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Lower-case hex of the UTF-8 bytes.
    public static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < utf8.count {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// A user's tabs on every instance, in join order, after one change of the shared registry, and
/// the tabs that change removed (a browser tab that connected again elsewhere, tabs of other
/// browsers logged out by `autologout`): each instance closes or logs out its own.
public struct PresenceList: Hashable, Sendable {
    public enum Reason: String, Hashable, Sendable {
        /// Another connection with the same browser tab id took its place (close 4009).
        case replaced
        /// `autologout`: the user logged in from another browser (`loginError` 3).
        case loggedOut
    }

    public struct Removal: Hashable, Sendable {
        public var tab: TabPresence
        public var reason: Reason

        public init(tab: TabPresence, reason: Reason) {
            self.tab = tab
            self.reason = reason
        }
    }

    /// Grows with every change (Unix milliseconds or one more, whichever is larger), so a list
    /// older than one already applied is recognised, also after the registry was lost.
    public var version: UInt64
    /// Ordered by `order`.
    public var tabs: [TabPresence]
    public var removed: [Removal]

    public init(version: UInt64, tabs: [TabPresence], removed: [Removal] = []) {
        self.version = version
        self.tabs = tabs.sorted { ($0.order, $0.instance, $0.tab) < ($1.order, $1.instance, $1.tab) }
        self.removed = removed
    }
}
