/// Byte classes and the field-line grammar shared by the head parser and the chunked decoder.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B

    /// RFC 9110 §5.6.2: `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    /// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`.
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// RFC 9110 §5.5: `field-vchar = VCHAR / obs-text`, plus SP and HTAB inside a value.
    /// Excludes NUL, CR, LF, the other controls and DEL.
    @inline(__always)
    static func isFieldValueChar(_ byte: UInt8) -> Bool {
        byte == htab || (byte >= 0x20 && byte != 0x7F)
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == sp || byte == htab }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// ASCII case-insensitive equality, RFC 9110 §5.1 (field names) and §7.8 (upgrade tokens).
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        let a = lhs.utf8, b = rhs.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y && lowercased(x) != lowercased(y) {
            return false
        }
        return true
    }

    /// RFC 9110 §7.2: `Host = uri-host [ ":" port ]`, with RFC 3986 §3.2.2 `host = IP-literal /
    /// IPv4address / reg-name` and §3.2.3 `port = *DIGIT`. Empty is allowed (§7.2: for targets
    /// without an authority). The inside of an IP-literal is only checked for its character set.
    static func isValidHost(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        var i = 0
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1 else { return false }
            for byte in bytes[1..<close] where !(isUnreservedOrSubDelim(byte) || byte == colon) { return false }
            i = close + 1
        } else {
            while i < bytes.count, bytes[i] != colon {
                if bytes[i] == UInt8(ascii: "%") {
                    // RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG.
                    guard i + 2 < bytes.count, isHexDigit(bytes[i + 1]), isHexDigit(bytes[i + 2]) else { return false }
                    i += 3
                    continue
                }
                guard isUnreservedOrSubDelim(bytes[i]) else { return false }
                i += 1
            }
        }
        guard i < bytes.count else { return true }
        guard bytes[i] == colon else { return false }
        return bytes[(i + 1)...].allSatisfy(isDigit)
    }

    /// RFC 3986 §2.3 unreserved and §2.2 sub-delims.
    private static func isUnreservedOrSubDelim(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    static func string(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// Parses one field line (without its CRLF), RFC 9112 §5:
    /// `field-line = field-name ":" OWS field-value OWS`.
    ///
    /// Returns the name range and the value range with the surrounding OWS removed.
    /// RFC 9112 §5.2: a line starting with SP/HTAB is obs-fold and is rejected, not unfolded.
    /// RFC 9112 §5.1: no whitespace is allowed between the name and the colon.
    /// RFC 9110 §5.5: CR, LF, NUL and the other controls are rejected in values, not replaced.
    static func parseFieldLine(
        _ buffer: UnsafeRawBufferPointer, _ line: Range<Int>
    ) throws(HTTPError) -> (name: Range<Int>, value: Range<Int>) {
        var i = line.lowerBound
        let end = line.upperBound
        if isWhitespace(buffer[i]) { throw .obsoleteLineFolding }
        while i < end, isTokenChar(buffer[i]) { i += 1 }
        let name = line.lowerBound..<i
        guard i < end, !name.isEmpty else {
            throw .invalidFieldName
        }
        guard buffer[i] == colon else {
            if buffer[i] == cr { throw .bareCR }
            throw isWhitespace(buffer[i]) ? .whitespaceBeforeColon : .invalidFieldName
        }
        i += 1
        while i < end, isWhitespace(buffer[i]) { i += 1 }
        let valueStart = i
        var valueEnd = i
        while i < end {
            let byte = buffer[i]
            guard isFieldValueChar(byte) else {
                throw byte == cr ? .bareCR : .invalidFieldValue
            }
            i += 1
            if !isWhitespace(byte) { valueEnd = i }
        }
        return (name, valueStart..<valueEnd)
    }
}
