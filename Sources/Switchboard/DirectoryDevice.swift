import JSON

/// A phone the agents pair with their bar (`selectIdentifier`): found by any of its
/// identifiers (an IP address such as "10.0.0.7", a SIP URI such as "sip:2001", a cookie or URL
/// value such as "web-alice").
public struct DirectoryDevice: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The internal extension that rings this phone.
    public var `extension`: Int
    public var identifiers: [String]
    /// The only user who may pair it; nil: any user may.
    public var owner: String?
    /// The phone's line id (Call `*_line_id`); nil when it has none.
    public var line: Int?

    public init(id: String, name: String, extension: Int, identifiers: [String], owner: String? = nil, line: Int? = nil) {
        self.id = id
        self.name = name
        self.extension = `extension`
        self.identifiers = identifiers
        self.owner = owner
        self.line = line
    }

    static let keys: Set<String> = ["id", "name", "extension", "identifiers", "owner", "line"]

    init(_ value: JSONValue, path: String) throws(DirectoryError) {
        let reader = try DirectoryReader(value, path: path)
        let id = try reader.string("id")
        guard !id.isEmpty else { throw DirectoryError(path: reader.at("id"), problem: "must not be empty") }
        let name = try reader.optionalString("name") ?? id
        let number = try reader.int("extension")
        guard number > 0 else { throw DirectoryError(path: reader.at("extension"), problem: "must be a positive integer") }
        let identifiers = try reader.strings("identifiers")
        if let empty = identifiers.firstIndex(of: "") {
            throw DirectoryError(path: "\(reader.at("identifiers"))[\(empty)]", problem: "must not be empty")
        }
        let owner = try reader.optionalString("owner")
        let line = try reader.optionalInt("line")
        try reader.finish(known: Self.keys)
        self.init(id: id, name: name, extension: number, identifiers: identifiers, owner: owner, line: line)
    }

    /// The `device` event's object: `id`, `name`, `extension`, and the `identifier` it was
    /// paired with.
    func json(identifier: String?) -> [String: JSONValue] {
        ["id": .string(id), "name": .string(name), "extension": .integer(self.extension),
         "identifier": identifier.map { .string($0) } ?? .null]
    }

    /// An entry of the `identify` event's `identificators`: `id`, `name`, `extension`,
    /// `identifiers`.
    var listing: JSONValue {
        .object(["id": .string(id), "name": .string(name), "extension": .integer(self.extension),
                 "identifiers": .array(identifiers.map { .string($0) })])
    }
}
