import Foundation
import JSON

/// Reads typed values out of one JSON object of the configuration file, remembering which keys
/// it used so that `finish()` can reject the rest by name. The file is read as the directory
/// and the call-control protocol are: by the strict `JSONParser` (no comments, trailing commas
/// or duplicate names; invalid UTF-8 refused) into `JSONValue`s, typed by `JSONFields`. A
/// `null` value counts as absent.
struct ConfigReader {
    private let fields: JSONFields
    private var used: Set<String> = []

    init(_ members: [String: JSONValue], path: String) {
        fields = JSONFields(members, path: path)
    }

    /// The top-level object of a configuration file.
    init(json data: Data) throws(GatewayConfig.Error) {
        let parsed = data.withUnsafeBytes { bytes -> Result<JSONValue, JSONSyntaxError> in
            do throws(JSONSyntaxError) { return .success(try JSONValue(parsing: bytes)) } catch { return .failure(error) }
        }
        let value: JSONValue
        switch parsed {
        case .success(let parsed): value = parsed
        case .failure(let error): throw GatewayConfig.Error(key: "(file)", problem: "not valid JSON at byte \(error.offset): \(error.reason)")
        }
        guard case .object(let members) = value else {
            throw GatewayConfig.Error(key: "(file)", problem: "the top level must be a JSON object")
        }
        self.init(members, path: "")
    }

    private func name(_ key: String) -> String { fields.path.isEmpty ? key : "\(fields.path).\(key)" }

    /// `key`'s value as `T`: `String`, `Int`, `Bool`, `[String]`, `[String: JSONValue]` or
    /// `JSONValue`; nil when absent. A value of another type is an error naming the key.
    mutating func take<T>(_ key: String) throws(GatewayConfig.Error) -> T? {
        used.insert(key)
        guard fields.has(key) else { return nil }
        let value: Any
        do {
            switch T.self {
            case is String.Type: value = try fields.string(key)
            case is Int.Type: value = try fields.int(key)
            case is Bool.Type: value = try fields.bool(key)
            case is [String].Type: value = try fields.each(key) { element, path throws(JSONFieldError) in try Self.string(element, path) }
            case is [String: JSONValue].Type: value = try fields.object(key)
            case is JSONValue.Type: value = try fields.value(key)
            default: preconditionFailure("ConfigReader cannot read \(T.self)")
            }
        } catch {
            throw GatewayConfig.Error(key: error.path, problem: "must be \(error.expected)")
        }
        return value as? T
    }

    mutating func take(_ key: String, range: ClosedRange<Int>) throws(GatewayConfig.Error) -> Int? {
        guard let value: Int = try take(key) else { return nil }
        guard range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
            throw GatewayConfig.Error(key: name(key), problem: upper.isEmpty ? "must be at least \(range.lowerBound)" : "must be between \(range.lowerBound)\(upper)")
        }
        return value
    }

    /// The object `key`, for reading its own keys; nil when absent.
    mutating func section(_ key: String) throws(GatewayConfig.Error) -> ConfigReader? {
        guard let members: [String: JSONValue] = try take(key) else { return nil }
        return ConfigReader(members, path: name(key))
    }

    /// The array of objects `key`, one reader each (`key[0]`, `key[1]`, …); nil when absent.
    mutating func sections(_ key: String) throws(GatewayConfig.Error) -> [ConfigReader]? {
        used.insert(key)
        guard fields.has(key) else { return nil }
        do {
            return try fields.each(key) { element, path throws(JSONFieldError) in
                guard case .object(let members) = element else { throw JSONFieldError(path: path, expected: "an object") }
                return ConfigReader(members, path: path)
            }
        } catch {
            throw GatewayConfig.Error(key: error.path, problem: "must be \(error.expected)")
        }
    }

    func finish() throws(GatewayConfig.Error) {
        if let unknown = fields.members.keys.sorted().first(where: { !used.contains($0) }) {
            throw GatewayConfig.Error(key: name(unknown), problem: "unknown key")
        }
    }

    private static func string(_ value: JSONValue, _ path: String) throws(JSONFieldError) -> String {
        guard case .string(let text) = value else { throw JSONFieldError(path: path, expected: "a string") }
        return text
    }
}
