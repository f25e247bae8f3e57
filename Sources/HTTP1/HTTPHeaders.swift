/// The field lines of a message head, in the order received, RFC 9110 §5.
///
/// Names keep their original spelling; lookups compare names ASCII case-insensitively
/// (RFC 9110 §5.1). Duplicate names are kept as separate entries (RFC 9110 §5.3).
/// `add(name:value:)` does not validate: check untrusted input with `isValidName(_:)` and
/// `isValidValue(_:)` before adding it to a head that will be sent.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    /// Keeps the literal's order and any repeated names.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of field lines.
    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    /// Appends a field line.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Removes every field line with this name.
    public mutating func remove(name: String) {
        fields.removeAll { HTTPSyntax.equalsIgnoringCase($0.name, name) }
    }

    /// The value of the first field line with this name, or nil.
    public subscript(name: String) -> String? {
        fields.first { HTTPSyntax.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The values of every field line with this name, in order.
    public func values(for name: String) -> [String] {
        fields.compactMap { HTTPSyntax.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// The number of field lines with this name.
    public func count(of name: String) -> Int {
        fields.reduce(0) { $0 + (HTTPSyntax.equalsIgnoringCase($1.name, name) ? 1 : 0) }
    }

    /// The comma-separated list elements of every field line with this name, RFC 9110 §5.6.1:
    /// split on commas, OWS trimmed, empty elements dropped, ASCII-lowercased. For
    /// case-insensitive token lists such as `Connection`, `Upgrade` and `Transfer-Encoding`.
    /// Not handled: commas inside quoted strings.
    public func tokens(for name: String) -> [String] {
        listElements(for: name, lowercased: true)
    }

    /// Whether the list of `name` holds `token`, compared ASCII case-insensitively,
    /// e.g. `contains(token: "upgrade", in: "Connection")`.
    public func contains(token: String, in name: String) -> Bool {
        tokens(for: name).contains { HTTPSyntax.equalsIgnoringCase($0, token) }
    }

    /// Like `tokens(for:)` but keeping the original case, for case-sensitive list elements such
    /// as subprotocol names (RFC 6455 §4.1).
    package func listElements(for name: String, lowercased: Bool) -> [String] {
        var result: [String] = []
        for field in fields where HTTPSyntax.equalsIgnoringCase(field.name, name) {
            var utf8 = Array(field.value.utf8)
            if lowercased {
                for i in utf8.indices { utf8[i] = HTTPSyntax.lowercased(utf8[i]) }
            }
            for element in utf8.split(separator: HTTPSyntax.comma, omittingEmptySubsequences: false) {
                var slice = element[...]
                while let first = slice.first, HTTPSyntax.isWhitespace(first) { slice.removeFirst() }
                while let last = slice.last, HTTPSyntax.isWhitespace(last) { slice.removeLast() }
                if !slice.isEmpty { result.append(String(decoding: slice, as: UTF8.self)) }
            }
        }
        return result
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// RFC 9110 §5.1: a field name is a non-empty token.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(HTTPSyntax.isTokenChar)
    }

    /// RFC 9110 §5.5: a field value holds no CR, LF, NUL or other control but HTAB, and has no
    /// leading or trailing whitespace.
    public static func isValidValue(_ value: String) -> Bool {
        let utf8 = value.utf8
        if let first = utf8.first, HTTPSyntax.isWhitespace(first) { return false }
        if let last = utf8.last, HTTPSyntax.isWhitespace(last) { return false }
        return utf8.allSatisfy(HTTPSyntax.isFieldValueChar)
    }

    /// Writes each field line as `name: value` CRLF.
    func encode(into bytes: inout [UInt8]) {
        for field in fields {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(HTTPSyntax.colon)
            bytes.append(HTTPSyntax.sp)
            bytes.append(contentsOf: field.value.utf8)
            bytes.append(HTTPSyntax.cr)
            bytes.append(HTTPSyntax.lf)
        }
    }
}
