/// A JSON value (RFC 8259): what `JSONParser` reads, and what the agent protocol carries in
/// free-form members (a Call's or User's `data`, `dial`'s `data`, `notify`'s `other`, the
/// `device` and `identificators` the back end hands over unchanged).
///
/// Numbers keep their literal text (`17`, `-2.5e3`) so nothing is rounded on the way through.
/// Objects are unordered: `encoded()` writes their members sorted by the UTF-8 bytes of their
/// names, so the same value always gives the same bytes.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number's literal, valid per the RFC 8259 §6 grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `.number` from an integer.
    public static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// The value of a `.number` that is a whole number in Int64's range: an integer literal, or a
    /// fraction/exponent literal whose value is whole and within ±2^53 (`3.0`, `1e3`). Nil for
    /// anything else, booleans included.
    public var int64Value: Int64? {
        guard case .number(let literal) = self else { return nil }
        if !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            return Int64(literal)
        }
        guard let double = Double(literal), double.isFinite, double.rounded(.towardZero) == double,
              abs(double) <= 0x1p53 else { return nil }
        return Int64(double)
    }

    /// Compact JSON; see `JSONWriter` for the string escaping.
    public func encoded() -> [UInt8] {
        var json = JSONWriter()
        json.value(self)
        return json.bytes
    }
}
