/// The `If-None-Match` field, RFC 9110 §13.1.2:
///
///     If-None-Match = "*" / #entity-tag
///
/// Every field line of the request is one list (§5.3). Elements are separated by commas with
/// optional whitespace; a comma inside an opaque-tag belongs to the tag (`etagc` allows it), so
/// the list is scanned tag by tag, not split on commas. Empty list elements are skipped
/// (§5.6.1). A value that is neither `*` nor such a list is `malformed`.
public enum IfNoneMatch: Sendable, Equatable {
    /// `*`: any current representation.
    case any
    case tags([EntityTag])
    /// Not a valid field value; the gateway treats it as matching nothing.
    case malformed

    /// The field from the values of all its field lines; nil when there is none.
    public init?(fieldValues: [String]) {
        guard !fieldValues.isEmpty else { return nil }
        let joined = fieldValues.joined(separator: ",")
        if Self.trimmed(Array(joined.utf8)[...]).elementsEqual("*".utf8) {
            self = .any
            return
        }
        self = Self.parseList(Array(joined.utf8)[...]).map(IfNoneMatch.tags) ?? .malformed
    }

    /// §13.1.2 evaluation: false ("matched") when the field is `*` and a representation exists,
    /// or when one of the tags weakly matches `current`. A malformed field matches nothing.
    public func matches(_ current: EntityTag) -> Bool {
        switch self {
        case .any: true
        case .tags(let tags): tags.contains { $0.matchesWeakly(current) }
        case .malformed: false
        }
    }

    private static func parseList(_ input: ArraySlice<UInt8>) -> [EntityTag]? {
        var rest = input
        var tags: [EntityTag] = []
        while true {
            skipWhitespaceAndCommas(&rest)
            if rest.isEmpty { break }
            guard let tag = EntityTag.scan(&rest) else { return nil }
            tags.append(tag)
            skipWhitespace(&rest)
            // After a tag: the end, or a comma.
            guard rest.isEmpty || rest.first == UInt8(ascii: ",") else { return nil }
        }
        return tags.isEmpty ? nil : tags
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func skipWhitespace(_ input: inout ArraySlice<UInt8>) {
        while let first = input.first, isWhitespace(first) { input.removeFirst() }
    }

    private static func skipWhitespaceAndCommas(_ input: inout ArraySlice<UInt8>) {
        while let first = input.first, isWhitespace(first) || first == UInt8(ascii: ",") { input.removeFirst() }
    }

    private static func trimmed(_ input: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = input
        skipWhitespace(&slice)
        while let last = slice.last, isWhitespace(last) { slice.removeLast() }
        return slice
    }
}
