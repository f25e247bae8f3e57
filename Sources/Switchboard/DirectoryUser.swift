import JSON
import SIP

/// A user of the directory: who may sign in, how (password hash or SSO only), and the static
/// fields of the docs/compatibility.md §1.7 User object.
public struct DirectoryUser: Sendable, Hashable {
    public var username: String
    public var id: Int
    /// A `PasswordHash` string (`$pbkdf2-sha256$…` or `$scrypt$…`); nil: no password login
    /// (SSO only).
    public var passwordHash: String?
    /// A disabled user cannot sign in (`accountDisabled`).
    public var enabled: Bool
    public var primaryExtension: Int?
    public var firstname: String
    public var lastname: String
    public var displayname: String
    public var email: String?
    public var locale: String
    public var groupID: Int?
    public var superuser: Bool
    /// The user's external phone number (User `number`).
    public var number: String?
    public var externalID: String?
    public var data: [String: JSONValue]
    /// Passed through to User `lines`.
    public var lines: [JSONValue]
    public var queues: [DirectoryMembership]
    /// The secret of the user's Vodia popup links (`VodiaLinkVerifier`, docs/click-to-call.md §3),
    /// as UTF-8 bytes: `pass = md5(user + linkSecret + destnumber + time + duration)`. Not the
    /// login password, so a page that mints links never holds that, and changing it revokes every
    /// link. Nil: the user's links are refused (as a wrong `pass` is).
    public var linkSecret: [UInt8]?
    /// The SIP address of record the user acts as on a `sip` route, e.g. `sip:2001@example.com`
    /// (a SIP or SIPS URI with a user part). Nil: derived from the directory's `sipDomain`
    /// (`Directory.sipIdentity(of:)`).
    public var sip: String?

    /// The shortest and longest `linkSecret`, in UTF-8 bytes.
    public static let linkSecretBytes = 16...256

    public init(username: String, id: Int, passwordHash: String? = nil, enabled: Bool = true, primaryExtension: Int? = nil,
                firstname: String = "", lastname: String = "", displayname: String? = nil, email: String? = nil,
                locale: String = "cs", groupID: Int? = nil, superuser: Bool = false, number: String? = nil,
                externalID: String? = nil, data: [String: JSONValue] = [:], lines: [JSONValue] = [],
                queues: [DirectoryMembership] = [], linkSecret: [UInt8]? = nil, sip: String? = nil) {
        self.username = username
        self.id = id
        self.passwordHash = passwordHash
        self.enabled = enabled
        self.primaryExtension = primaryExtension
        self.firstname = firstname
        self.lastname = lastname
        let fullName = [firstname, lastname].filter { !$0.isEmpty }.joined(separator: " ")
        self.displayname = displayname ?? (fullName.isEmpty ? username : fullName)
        self.email = email
        self.locale = locale
        self.groupID = groupID
        self.superuser = superuser
        self.number = number
        self.externalID = externalID
        self.data = data
        self.lines = lines
        self.queues = queues
        self.linkSecret = linkSecret
        self.sip = sip
    }

    static let keys: Set<String> = [
        "username", "id", "password", "enabled", "primary_extension", "firstname", "lastname", "displayname",
        "email", "locale", "group_id", "superuser", "number", "external_id", "data", "lines", "queues", "linkSecret", "sip",
    ]

    init(_ value: JSONValue, path: String) throws(DirectoryError) {
        let reader = try DirectoryReader(value, path: path)
        let username = try reader.string("username")
        guard !username.isEmpty else { throw DirectoryError(path: reader.at("username"), problem: "must not be empty") }
        let password = try reader.optionalString("password")
        if let password, !(password.hasPrefix("$pbkdf2-sha256$") || password.hasPrefix("$scrypt$")) {
            throw DirectoryError(path: reader.at("password"), problem: "must be a PasswordHash string ($pbkdf2-sha256$… or $scrypt$…)")
        }
        let linkSecret = try reader.optionalString("linkSecret").map { Array($0.utf8) }
        if let linkSecret, !Self.linkSecretBytes.contains(linkSecret.count) {
            throw DirectoryError(path: reader.at("linkSecret"),
                                 problem: "must be \(Self.linkSecretBytes.lowerBound) to \(Self.linkSecretBytes.upperBound) bytes of UTF-8")
        }
        let sip = try reader.optionalString("sip")
        if let sip {
            do { _ = try SIPIdentity(parsing: sip) } catch {
                throw DirectoryError(path: reader.at("sip"), problem: "must be a sip: URI with a user part, like sip:alice@example.com (\(error.detail))")
            }
        }
        var memberships: [DirectoryMembership] = []
        for (index, item) in try reader.array("queues").enumerated() {
            memberships.append(try DirectoryMembership(item, path: "\(reader.at("queues"))[\(index)]"))
        }
        self.init(
            username: username, id: try reader.int("id"), passwordHash: password,
            enabled: try reader.bool("enabled", default: true), primaryExtension: try reader.optionalInt("primary_extension"),
            firstname: try reader.optionalString("firstname") ?? "", lastname: try reader.optionalString("lastname") ?? "",
            displayname: try reader.optionalString("displayname"), email: try reader.optionalString("email"),
            locale: try reader.optionalString("locale") ?? "cs", groupID: try reader.optionalInt("group_id"),
            superuser: try reader.bool("superuser", default: false), number: try reader.optionalString("number"),
            externalID: try reader.optionalString("external_id"), data: try reader.object("data"),
            lines: try reader.array("lines"), queues: memberships, linkSecret: linkSecret, sip: sip)
        try reader.finish(known: Self.keys)
    }
}
