/// Typed access to the members of one decoded JSON object, for reading back the objects the
/// gateway's writers produce (the call-control protocol, docs/backend-protocol.md §12): each
/// getter names the member's path in its error, so a back end that sends a wrong type learns
/// where.
///
/// A member that is absent or `null` takes the getter's `default` when one is given (the
/// protocol lets a back end leave out what has an obvious value), else it is an error; a member
/// that is present with the wrong JSON type is always an error. Integers follow
/// `JSONValue.int64Value` (a whole-valued `3.0` counts, a boolean does not).
public struct JSONFields: Sendable {
    public let members: [String: JSONValue]
    /// Where this object is, for errors: `answer.snapshot.user`.
    public let path: String

    public init(_ members: [String: JSONValue], path: String) {
        self.members = members
        self.path = path
    }

    /// The object `value` is, or an error naming `path`.
    public init(_ value: JSONValue, path: String) throws(JSONFieldError) {
        guard case .object(let members) = value else { throw JSONFieldError(path: path, expected: "an object") }
        self.init(members, path: path)
    }

    public func error(_ key: String, _ expected: String) -> JSONFieldError {
        JSONFieldError(path: path.isEmpty ? key : "\(path).\(key)", expected: expected)
    }

    /// Present and not `null`.
    public func has(_ key: String) -> Bool {
        switch members[key] {
        case nil, .null?: false
        default: true
        }
    }

    public func string(_ key: String, default fallback: String? = nil) throws(JSONFieldError) -> String {
        switch members[key] {
        case .string(let value)?: return value
        case nil, .null?: if let fallback { return fallback }
        default: break
        }
        throw error(key, "a string")
    }

    public func optionalString(_ key: String) throws(JSONFieldError) -> String? {
        has(key) ? try string(key) : nil
    }

    public func bool(_ key: String, default fallback: Bool? = nil) throws(JSONFieldError) -> Bool {
        switch members[key] {
        case .bool(let value)?: return value
        case nil, .null?: if let fallback { return fallback }
        default: break
        }
        throw error(key, "true or false")
    }

    public func int64(_ key: String, default fallback: Int64? = nil) throws(JSONFieldError) -> Int64 {
        switch members[key] {
        case nil, .null?:
            if let fallback { return fallback }
        case let value?:
            if let number = value.int64Value { return number }
        }
        throw error(key, "an integer")
    }

    public func int(_ key: String, default fallback: Int? = nil) throws(JSONFieldError) -> Int {
        guard let value = Int(exactly: try int64(key, default: fallback.map(Int64.init))) else { throw error(key, "an integer") }
        return value
    }

    public func optionalInt(_ key: String) throws(JSONFieldError) -> Int? {
        has(key) ? try int(key) : nil
    }

    public func optionalInt64(_ key: String) throws(JSONFieldError) -> Int64? {
        has(key) ? try int64(key) : nil
    }

    /// A non-negative integer no greater than 2^53 − 1, so that every JSON reader holds it
    /// exactly (RFC 8259 §6): ids and event numbers.
    public func uint64(_ key: String, default fallback: UInt64? = nil) throws(JSONFieldError) -> UInt64 {
        if !has(key), let fallback { return fallback }
        guard let value = UInt64(exactly: try int64(key)), value < 1 << 53 else {
            throw error(key, "an integer from 0 to 2^53 - 1")
        }
        return value
    }

    public func value(_ key: String) throws(JSONFieldError) -> JSONValue {
        guard let value = members[key] else { throw error(key, "a value") }
        return value
    }

    public func object(_ key: String, default fallback: [String: JSONValue]? = nil) throws(JSONFieldError) -> [String: JSONValue] {
        switch members[key] {
        case .object(let value)?: return value
        case nil, .null?: if let fallback { return fallback }
        default: break
        }
        throw error(key, "an object")
    }

    public func optionalObject(_ key: String) throws(JSONFieldError) -> [String: JSONValue]? {
        has(key) ? try object(key) : nil
    }

    public func array(_ key: String, default fallback: [JSONValue]? = nil) throws(JSONFieldError) -> [JSONValue] {
        switch members[key] {
        case .array(let value)?: return value
        case nil, .null?: if let fallback { return fallback }
        default: break
        }
        throw error(key, "an array")
    }

    /// The nested object `key`, for reading its own members.
    public func fields(_ key: String) throws(JSONFieldError) -> JSONFields {
        JSONFields(try object(key), path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// A string naming one of `T`'s cases.
    public func enumeration<T: RawRepresentable<String>>(_ key: String, _ type: T.Type, default fallback: T? = nil) throws(JSONFieldError) -> T {
        if !has(key), let fallback { return fallback }
        guard let value = T(rawValue: try string(key)) else { throw error(key, "one of the names of \(T.self)") }
        return value
    }

    /// An integer naming one of `T`'s cases.
    public func enumeration<T: RawRepresentable<Int>>(_ key: String, _ type: T.Type, default fallback: T? = nil) throws(JSONFieldError) -> T {
        if !has(key), let fallback { return fallback }
        guard let value = T(rawValue: try int(key)) else { throw error(key, "one of the values of \(T.self)") }
        return value
    }

    /// Each element of the array `key` read by `read`, with its index in the path.
    public func each<T>(_ key: String, default fallback: [JSONValue]? = nil,
                        _ read: (JSONValue, String) throws(JSONFieldError) -> T) throws(JSONFieldError) -> [T] {
        let elements = try array(key, default: fallback)
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try read(element, "\(path.isEmpty ? key : "\(path).\(key)")[\(index)]"))
        }
        return result
    }
}

/// A member of a decoded object that is missing or of the wrong type: where, and what was
/// expected there.
public struct JSONFieldError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var expected: String

    public init(path: String, expected: String) {
        self.path = path
        self.expected = expected
    }

    public var description: String { "\(path): expected \(expected)" }
}
