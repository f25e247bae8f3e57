/// Writing `JSONValue`s (the agent protocol's free-form members), optionals as `null`.
extension JSONWriter {
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .number(let literal): raw(literal)
        case .string(let text): string(text)
        case .array(let elements):
            raw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { raw(",") }
                self.value(element)
            }
            raw("]")
        case .object(let members): object(members)
        }
    }

    /// Members sorted by the UTF-8 bytes of their names (deterministic output).
    public mutating func object(_ members: [String: JSONValue]) {
        raw("{")
        let names = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (index, name) in names.enumerated() {
            if index > 0 { raw(",") }
            string(name)
            raw(":")
            value(members[name]!)
        }
        raw("}")
    }

    @inlinable
    public mutating func optionalInteger<T: BinaryInteger>(_ value: T?) {
        if let value { integer(value) } else { raw("null") }
    }

    @inlinable
    public mutating func optionalBool(_ value: Bool?) {
        if let value { bool(value) } else { raw("null") }
    }

    /// `"name":` — the name is a StaticString from this module, already JSON-safe.
    @inlinable
    public mutating func key(_ name: StaticString) {
        raw("\"")
        raw(name)
        raw("\":")
    }

    /// `,"name":`
    @inlinable
    public mutating func nextKey(_ name: StaticString) {
        raw(",\"")
        raw(name)
        raw("\":")
    }
}
