import Routes

/// Reads one JSON object of a directory, key by key, with errors naming the path
/// (`users[2].password`). `finish(known:)` refuses keys nobody asked for.
struct DirectoryReader {
    let path: String
    let members: [String: JSONValue]

    init(_ value: JSONValue, path: String) throws(DirectoryError) {
        guard case .object(let members) = value else { throw DirectoryError(path: path, problem: "must be an object") }
        self.path = path
        self.members = members
    }

    func at(_ key: String) -> String { path == "$" ? key : "\(path).\(key)" }

    /// Nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        switch members[key] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    func string(_ key: String) throws(DirectoryError) -> String {
        guard let value = try optionalString(key) else { throw DirectoryError(path: at(key), problem: "is required") }
        return value
    }

    func optionalString(_ key: String) throws(DirectoryError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw DirectoryError(path: at(key), problem: "must be a string") }
        return text
    }

    func int(_ key: String) throws(DirectoryError) -> Int {
        guard let value = try optionalInt(key) else { throw DirectoryError(path: at(key), problem: "is required") }
        return value
    }

    func optionalInt(_ key: String) throws(DirectoryError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int64Value, let int = Int(exactly: number) else {
            throw DirectoryError(path: at(key), problem: "must be an integer")
        }
        return int
    }

    func bool(_ key: String, default fallback: Bool) throws(DirectoryError) -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .bool(let flag) = value else { throw DirectoryError(path: at(key), problem: "must be true or false") }
        return flag
    }

    func array(_ key: String) throws(DirectoryError) -> [JSONValue] {
        guard let value = value(key) else { return [] }
        guard case .array(let items) = value else { throw DirectoryError(path: at(key), problem: "must be an array") }
        return items
    }

    func object(_ key: String) throws(DirectoryError) -> [String: JSONValue] {
        guard let value = value(key) else { return [:] }
        guard case .object(let object) = value else { throw DirectoryError(path: at(key), problem: "must be an object") }
        return object
    }

    func strings(_ key: String) throws(DirectoryError) -> [String] {
        var result: [String] = []
        for (index, item) in try array(key).enumerated() {
            guard case .string(let text) = item else { throw DirectoryError(path: "\(at(key))[\(index)]", problem: "must be a string") }
            result.append(text)
        }
        return result
    }

    /// Refuses the first unknown key, in sorted order so the error is stable.
    func finish(known: Set<String>) throws(DirectoryError) {
        if let unknown = members.keys.filter({ !known.contains($0) }).sorted().first {
            throw DirectoryError(path: at(unknown), problem: "is not a known key")
        }
    }
}
