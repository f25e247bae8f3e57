/// The character classes of RFC 3261 §25.1, on bytes.
enum SIPSyntax {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    /// `token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")`
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("-.!%*_+`'~".utf8).contains(byte)
    }

    /// `mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"`; `unreserved = alphanum / mark`
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("-_.!~*'()".utf8).contains(byte)
    }

    /// `word` (Call-ID): token characters and `( ) < > : \ DQUOTE / [ ] ? { }`.
    static func isWordCharacter(_ byte: UInt8) -> Bool {
        isTokenCharacter(byte) || Array("()<>:\\\"/[]?{}".utf8).contains(byte)
    }

    static func isToken<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenCharacter)
    }

    /// `1*DIGIT` read as a number, nil when it is not digits or exceeds `maximum`.
    static func number<S: StringProtocol>(_ text: S, maximum: UInt64) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard isDigit(byte) else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
            if value > maximum { return nil }
        }
        return value
    }

    /// Percent-decodes `escaped = "%" HEXDIG HEXDIG` (RFC 3261 §19.1.4: userinfo is compared
    /// unescaped). Nil for a `%` not followed by two hex digits.
    static func unescaped(_ text: String) -> String? {
        guard text.utf8.contains(0x25) else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == 0x25 else { bytes.append(byte); continue }
            guard let high = iterator.popFirst(), let low = iterator.popFirst(),
                  isHexDigit(high), isHexDigit(low), let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Splits a header field value into its comma-separated elements (RFC 3261 §7.3.1), not at
    /// commas inside a quoted-string or between `<` and `>`. Elements are trimmed of whitespace.
    static func listElements(_ value: String) -> [String] {
        var elements: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var escaped = false
        var inBrackets = false
        for byte in value.utf8 {
            if inQuotes {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inQuotes = false }
            } else if byte == 0x22 {
                inQuotes = true
            } else if byte == 0x3C {
                inBrackets = true
            } else if byte == 0x3E {
                inBrackets = false
            } else if byte == 0x2C && !inBrackets {
                elements.append(trimmed(current))
                current = []
                continue
            }
            current.append(byte)
        }
        elements.append(trimmed(current))
        return elements
    }

    static func trimmed(_ bytes: [UInt8]) -> String {
        var slice = bytes[...]
        while let first = slice.first, isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isWhitespace(last) { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
