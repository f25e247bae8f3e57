/// Compact JSON written by hand into a byte array (RFC 8259), for the gateway's own small
/// messages. Strings are escaped per RFC 8259 §7: `"` and `\` with a backslash, every control
/// character U+0000–U+001F as `\u00XX` (lowercase hex), and additionally U+2028 and U+2029 as
/// `\u2028`/`\u2029` so the text is also safe inside JavaScript source. Everything else is
/// written as UTF-8.
///
/// The primitives are `@inlinable`: the writer is called from other modules (AgentProtocol,
/// CallControlMessages, …) once per key and value, and `AgentEvent.encoded(seq:)` runs once per tab
/// of an agent's fan-out, so a cross-module call per key, and an unspecialised `integer`, cost
/// CPU per round there (docs/benchmarks.md, "2026-12-07, issue 17's refactors").
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    @inlinable public var bytes: [UInt8] { buffer }

    @usableFromInline var buffer: [UInt8]

    @inlinable
    public init(capacity: Int = 128) {
        buffer = []
        buffer.reserveCapacity(capacity)
    }

    /// Raw ASCII, for punctuation and keys that need no escaping.
    @inlinable
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    /// Raw bytes already known to be valid JSON (a `RequestID` literal).
    @inlinable
    public mutating func raw(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    @inlinable
    public mutating func string(_ value: String) {
        buffer.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x00...0x1F, 0x2028, 0x2029: unicodeEscape(scalar.value)
            case 0x20...0x7F: buffer.append(UInt8(scalar.value))
            default: UTF8.encode(scalar) { buffer.append($0) }
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    @inlinable
    public mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    @inlinable
    public mutating func integer<T: BinaryInteger>(_ value: T) {
        buffer.append(contentsOf: String(value).utf8)
    }

    @inlinable
    public mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    @usableFromInline
    mutating func unicodeEscape(_ value: UInt32) {
        raw("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt32(shift)) & 0xF
            buffer.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
        }
    }
}
