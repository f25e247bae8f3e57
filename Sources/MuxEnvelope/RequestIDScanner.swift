import JSON

/// Finds the value of the top-level `"id"` member of a JSON object text (RFC 8259) without
/// building the document: one pass over the bytes up to the id, whose own literal then goes
/// through `JSONParser`.
///
/// What it does:
/// - Skips whitespace (RFC 8259 §2: space, tab, LF, CR) wherever the grammar allows it.
/// - Looks at the members of the outermost object in order and stops at the first whose key is
///   exactly the two bytes `id`. Keys are compared as written: `"\u0069d"` does not match. A
///   duplicate top-level `"id"` does not matter: the first one wins (RFC 8259 §4 leaves
///   duplicate names to the implementation).
/// - Skips the values of other members: strings (with their escapes), numbers, literals and
///   nested objects and arrays, so an `"id"` inside a nested object or inside a string never
///   matches.
/// - Returns the id if it is a string (escapes kept as written) or a number (kept as written),
///   followed by `,` or `}`, and only if `JSONParser` accepts the literal on its own: valid
///   UTF-8, no raw control characters, known escapes, a surrogate escape only as half of a pair,
///   the RFC 8259 §6 number grammar. A reply echoes the id byte for byte, so it must be JSON
///   Callgate itself would accept (issue 18: `"\ud800"` was refused in the request and echoed
///   in the error reply); an id that is not gives nil, and the reply goes without one.
///
/// What it does not do: it reads nothing after the id, so a document that is malformed after
/// the id still yields it; and inside skipped nested containers it checks only that strings
/// close and brackets balance, not commas, colons or bracket kinds. It returns nil for a text
/// that is not an object, an object without `"id"`, an id that is `null`, a boolean, an object
/// or an array, and for anything else it does not understand. It never reads outside `text`.
public enum RequestIDScanner {
    public static func requestID(in text: UnsafeRawBufferPointer) -> RequestID? {
        var cursor = Cursor(bytes: text)
        return cursor.topLevelID()
    }

    public static func requestID(in text: [UInt8]) -> RequestID? {
        text.withUnsafeBytes { requestID(in: $0) }
    }
}

private struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func topLevelID() -> RequestID? {
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if peek == UInt8(ascii: "}") { return nil }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { return nil }
            let keyStart = index + 1
            guard skipString() else { return nil }
            let keyLength = index - 1 - keyStart
            let isID = keyLength == 2 && bytes[keyStart] == UInt8(ascii: "i") && bytes[keyStart + 1] == UInt8(ascii: "d")
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            if isID { return idValue() }
            guard skipValue() else { return nil }
            skipWhitespace()
            // `,` continues; `}` ends the object without an id; anything else is malformed.
            guard consume(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// The id's value, then `,` or `}` (so a truncated `{"id":12` is not taken for 12).
    private mutating func idValue() -> RequestID? {
        guard let first = peek else { return nil }
        let start = index
        let isString = first == UInt8(ascii: "\"")
        if isString {
            guard skipString() else { return nil }
        } else if first == UInt8(ascii: "-") || isDigit(first) {
            guard skipNumber() else { return nil }
        } else {
            return nil
        }
        let literal = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        skipWhitespace()
        guard let next = peek, next == UInt8(ascii: ",") || next == UInt8(ascii: "}") else { return nil }
        // The strict parser has the last word on the literal (escapes, surrogates, UTF-8).
        guard case .success = JSONParser.parse(literal) else { return nil }
        guard isString else { return .number(String(decoding: literal, as: UTF8.self)) }
        return .string(String(decoding: literal.dropFirst().dropLast(), as: UTF8.self))
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() -> Bool {
        let start = index
        while let byte = peek, isDigit(byte) { index += 1 }
        return index > start
    }

    /// From an opening quote to just past the closing one. RFC 8259 §7: characters below U+0020
    /// must be escaped. What follows a backslash is not checked here (`idValue` has the parser
    /// check the id).
    private mutating func skipString() -> Bool {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return true
            case UInt8(ascii: "\\"):
                index += 1
                guard peek != nil else { return false }
                index += 1
            case 0x00..<0x20:
                return false
            default:
                index += 1
            }
        }
        return false
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() -> Bool {
        _ = consume(UInt8(ascii: "-"))
        guard let first = peek, isDigit(first) else { return false }
        if first == UInt8(ascii: "0") { index += 1 } else { _ = skipDigits() }
        if consume(UInt8(ascii: ".")) {
            guard skipDigits() else { return false }
        }
        if let e = peek, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index += 1
            if let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() else { return false }
        }
        return true
    }

    private mutating func skipLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        index += count
        return true
    }

    private mutating func skipValue() -> Bool {
        guard let first = peek else { return false }
        switch first {
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["): return skipContainer()
        case UInt8(ascii: "t"): return skipLiteral("true")
        case UInt8(ascii: "f"): return skipLiteral("false")
        case UInt8(ascii: "n"): return skipLiteral("null")
        default: return skipNumber()
        }
    }

    /// A nested object or array: to just past its matching bracket, stepping over strings so
    /// that brackets and quotes inside them do not count.
    private mutating func skipContainer() -> Bool {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard skipString() else { return false }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    index += 1
                    return true
                }
            default:
                break
            }
            index += 1
        }
        return false
    }
}
