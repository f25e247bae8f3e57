import JSON
import SIP

/// Who and what the switchboard knows: users, phones, queues, AUX reasons and settings, read
/// from a JSON document described key by key in docs/directory.md. Parsing is strict: an
/// unknown key, a wrong type, a duplicate id or a reference to something missing is an error
/// naming its path.
public struct Directory: Sendable {
    public var settings: SwitchboardSettings
    public var users: [DirectoryUser]
    public var devices: [DirectoryDevice]
    public var queues: [DirectoryQueue]
    /// Allowed AUX reasons; empty: any reason is accepted.
    public var auxReasons: [String]
    /// Reasons an agent may give a finished call (the state object's `callReasons`).
    public var callReasons: [String]
    /// Group names by `group_id` (the state object's `groups`).
    public var groups: [Int: String]
    /// Whether the `identify` event lists the user's phones (docs/compatibility.md §1.2 `listDevices`).
    public var listDevices: Bool

    public init(settings: SwitchboardSettings = SwitchboardSettings(), users: [DirectoryUser] = [], devices: [DirectoryDevice] = [],
                queues: [DirectoryQueue] = [], auxReasons: [String] = [], callReasons: [String] = [],
                groups: [Int: String] = [:], listDevices: Bool = false) {
        self.settings = settings
        self.users = users
        self.devices = devices
        self.queues = queues
        self.auxReasons = auxReasons
        self.callReasons = callReasons
        self.groups = groups
        self.listDevices = listDevices
    }

    public func user(named username: String) -> DirectoryUser? {
        users.first { $0.username == username }
    }

    /// The SIP address of record `user` may act as on a `sip` route (docs/directory.md): the
    /// user's `sip`, else `sip:<username>@<settings.sipDomain>` (the username escaped as a SIP
    /// user part, RFC 3261 §25.1); nil when neither is set.
    public func sipIdentity(of user: DirectoryUser) -> SIPIdentity? {
        if let explicit = user.sip { return try? SIPIdentity(parsing: explicit) }
        guard let domain = settings.sipDomain else { return nil }
        return try? SIPIdentity(parsing: "sip:\(SIPURI.escapedUser(user.username))@\(domain)")
    }

    /// Every user's SIP identity, by username (users without one are left out).
    public var sipIdentities: [String: SIPIdentity] {
        users.reduce(into: [:]) { identities, user in identities[user.username] = sipIdentity(of: user) }
    }

    public func queue(id: Int) -> DirectoryQueue? {
        queues.first { $0.id == id }
    }

    /// The device with `identifier` among its identifiers.
    public func device(identifier: String) -> DirectoryDevice? {
        devices.first { $0.identifiers.contains(identifier) }
    }

    public static func parse(text: String) throws(DirectoryError) -> Directory {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw DirectoryError(path: "$", problem: "not valid JSON at byte \(error.offset): \(error.reason)")
        }
        return try parse(value)
    }

    static let keys: Set<String> = ["settings", "users", "devices", "queues", "auxReasons", "callReasons", "groups", "listDevices"]
    static let settingsKeys: Set<String> = ["defaultCountry", "ringSeconds", "acwSeconds", "externalAnswerSeconds", "unreachableReason", "historyCalls",
                                            "sipDomain"]

    public static func parse(_ json: JSONValue) throws(DirectoryError) -> Directory {
        let root = try DirectoryReader(json, path: "$")
        var directory = Directory()
        if let value = root.value("settings") {
            directory.settings = try settings(value, path: "settings")
        }
        for (index, item) in try root.array("queues").enumerated() {
            let path = "queues[\(index)]"
            let queue = try DirectoryQueue(item, path: path)
            guard directory.queue(id: queue.id) == nil else { throw DirectoryError(path: "\(path).id", problem: "duplicates queue \(queue.id)") }
            directory.queues.append(queue)
        }
        for (index, item) in try root.array("users").enumerated() {
            let path = "users[\(index)]"
            let user = try DirectoryUser(item, path: path)
            if directory.user(named: user.username) != nil {
                throw DirectoryError(path: "\(path).username", problem: "duplicates user \(user.username)")
            }
            if directory.users.contains(where: { $0.id == user.id }) {
                throw DirectoryError(path: "\(path).id", problem: "duplicates user id \(user.id)")
            }
            var seen: Set<Int> = []
            for (member, membership) in user.queues.enumerated() {
                guard directory.queue(id: membership.queue) != nil else {
                    throw DirectoryError(path: "\(path).queues[\(member)].queue", problem: "names no queue")
                }
                guard seen.insert(membership.queue).inserted else {
                    throw DirectoryError(path: "\(path).queues[\(member)].queue", problem: "duplicates a membership")
                }
            }
            directory.users.append(user)
        }
        var identifiers: Set<String> = []
        for (index, item) in try root.array("devices").enumerated() {
            let path = "devices[\(index)]"
            let device = try DirectoryDevice(item, path: path)
            if directory.devices.contains(where: { $0.id == device.id }) {
                throw DirectoryError(path: "\(path).id", problem: "duplicates device \(device.id)")
            }
            if directory.devices.contains(where: { $0.extension == device.extension }) {
                throw DirectoryError(path: "\(path).extension", problem: "duplicates extension \(device.extension)")
            }
            for (number, identifier) in device.identifiers.enumerated() where !identifiers.insert(identifier).inserted {
                throw DirectoryError(path: "\(path).identifiers[\(number)]", problem: "is already another device's identifier")
            }
            if let owner = device.owner, directory.user(named: owner) == nil {
                throw DirectoryError(path: "\(path).owner", problem: "names no user")
            }
            directory.devices.append(device)
        }
        directory.auxReasons = try root.strings("auxReasons")
        directory.callReasons = try root.strings("callReasons")
        for (key, value) in try root.object("groups") {
            guard let id = Int(key), String(id) == key else {
                throw DirectoryError(path: "groups.\(key)", problem: "must be a group id in decimal")
            }
            guard case .string(let name) = value else { throw DirectoryError(path: "groups.\(key)", problem: "must be a string") }
            directory.groups[id] = name
        }
        directory.listDevices = try root.bool("listDevices", default: false)
        try root.finish(known: keys)
        // Two users with one SIP identity could each act as the other.
        var owners: [SIPIdentity: String] = [:]
        for (index, user) in directory.users.enumerated() {
            guard let identity = directory.sipIdentity(of: user) else { continue }
            if let other = owners[identity] {
                throw DirectoryError(path: "users[\(index)].sip", problem: "\(identity) is already the SIP identity of \(other)")
            }
            owners[identity] = user.username
        }
        return directory
    }

    static func settings(_ value: JSONValue, path: String) throws(DirectoryError) -> SwitchboardSettings {
        let reader = try DirectoryReader(value, path: path)
        var settings = SwitchboardSettings()
        if let country = try reader.optionalString("defaultCountry") {
            guard (1...3).contains(country.utf8.count), country.utf8.allSatisfy({ (0x30...0x39).contains($0) }), !country.hasPrefix("0") else {
                throw DirectoryError(path: reader.at("defaultCountry"), problem: "must be a country calling code of 1 to 3 digits")
            }
            settings.defaultCountry = country
        }
        if let seconds = try reader.optionalInt("ringSeconds") {
            guard seconds > 0 else { throw DirectoryError(path: reader.at("ringSeconds"), problem: "must be at least 1") }
            settings.ringSeconds = seconds
        }
        if let seconds = try reader.optionalInt("acwSeconds") {
            guard seconds >= 0 else { throw DirectoryError(path: reader.at("acwSeconds"), problem: "must not be negative") }
            settings.acwSeconds = seconds
        }
        if let seconds = try reader.optionalInt("externalAnswerSeconds") {
            guard seconds >= 0 else { throw DirectoryError(path: reader.at("externalAnswerSeconds"), problem: "must not be negative") }
            settings.externalAnswerSeconds = seconds
        }
        if let reason = try reader.optionalString("unreachableReason") {
            guard !reason.isEmpty else { throw DirectoryError(path: reader.at("unreachableReason"), problem: "must not be empty") }
            settings.unreachableReason = reason
        }
        if let calls = try reader.optionalInt("historyCalls") {
            guard (1...10_000).contains(calls) else { throw DirectoryError(path: reader.at("historyCalls"), problem: "must be from 1 to 10000") }
            settings.historyCalls = calls
        }
        if let domain = try reader.optionalString("sipDomain") {
            guard let uri = try? SIPURI(parsing: "sip:" + domain), uri.host == domain else {
                throw DirectoryError(path: reader.at("sipDomain"), problem: "must be a host name or address, like example.com")
            }
            settings.sipDomain = domain
        }
        try reader.finish(known: settingsKeys)
        return settings
    }
}
