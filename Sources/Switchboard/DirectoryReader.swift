import JSON

/// Reads one JSON object of a directory, key by key, with errors naming the path
/// (`users[2].password`). The values are typed by `JSONFields`, as the gateway's configuration
/// file is (`ConfigReader`); this adds the directory's errors ("is required", "must be …") and
/// `finish(known:)`, which refuses keys nobody asked for. A `null` value counts as absent.
struct DirectoryReader {
    let path: String
    private let fields: JSONFields

    init(_ value: JSONValue, path: String) throws(DirectoryError) {
        guard case .object(let members) = value else { throw DirectoryError(path: path, problem: "must be an object") }
        self.path = path
        fields = JSONFields(members, path: path == "$" ? "" : path)
    }

    func at(_ key: String) -> String { path == "$" ? key : "\(path).\(key)" }

    /// Nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        fields.has(key) ? fields.members[key] : nil
    }

    func string(_ key: String) throws(DirectoryError) -> String {
        guard let value = try optionalString(key) else { throw DirectoryError(path: at(key), problem: "is required") }
        return value
    }

    func optionalString(_ key: String) throws(DirectoryError) -> String? {
        try typed { () throws(JSONFieldError) in try fields.optionalString(key) }
    }

    func int(_ key: String) throws(DirectoryError) -> Int {
        guard let value = try optionalInt(key) else { throw DirectoryError(path: at(key), problem: "is required") }
        return value
    }

    func optionalInt(_ key: String) throws(DirectoryError) -> Int? {
        try typed { () throws(JSONFieldError) in try fields.optionalInt(key) }
    }

    func bool(_ key: String, default fallback: Bool) throws(DirectoryError) -> Bool {
        try typed { () throws(JSONFieldError) in try fields.bool(key, default: fallback) }
    }

    func array(_ key: String) throws(DirectoryError) -> [JSONValue] {
        try typed { () throws(JSONFieldError) in try fields.array(key, default: []) }
    }

    func object(_ key: String) throws(DirectoryError) -> [String: JSONValue] {
        try typed { () throws(JSONFieldError) in try fields.object(key, default: [:]) }
    }

    func strings(_ key: String) throws(DirectoryError) -> [String] {
        try typed { () throws(JSONFieldError) in
            try fields.each(key, default: []) { element, path throws(JSONFieldError) in
                guard case .string(let text) = element else { throw JSONFieldError(path: path, expected: "a string") }
                return text
            }
        }
    }

    /// Refuses the first unknown key, in sorted order so the error is stable.
    func finish(known: Set<String>) throws(DirectoryError) {
        if let unknown = fields.members.keys.filter({ !known.contains($0) }).sorted().first {
            throw DirectoryError(path: at(unknown), problem: "is not a known key")
        }
    }

    /// `JSONFields`' errors in the directory's words.
    private func typed<T>(_ read: () throws(JSONFieldError) -> T) throws(DirectoryError) -> T {
        do {
            return try read()
        } catch {
            throw DirectoryError(path: error.path, problem: "must be \(error.expected)")
        }
    }
}
