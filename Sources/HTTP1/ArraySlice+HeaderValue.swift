/// Reading header values as bytes (RFC 9110 §5.5), never as Characters: a combining mark after a
/// space or a separator must not merge with it into one grapheme (issue 18, a fuzz finding).
extension ArraySlice where Element == UInt8 {
    /// Without the optional whitespace (SP, HTAB) around it, RFC 9110 §5.6.3.
    package var withoutOWS: ArraySlice<UInt8> {
        let isOWS: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else { return [] }
        return self[first...last]
    }

    /// Whether it starts with `prefix` (lower-case ASCII), ASCII case-insensitively, as
    /// authentication schemes compare (RFC 9110 §11.1).
    package func starts(withASCIICaseInsensitive prefix: String) -> Bool {
        count >= prefix.utf8.count
            && zip(self, prefix.utf8).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }

    /// RFC 9110 §12.4.2 `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in
    /// thousandths; nil when malformed.
    package var qvalue: Int? {
        guard let first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        let rest = dropFirst()
        guard let dot = rest.first else { return first == UInt8(ascii: "1") ? 1000 : 0 }
        let digits = rest.dropFirst()
        guard dot == UInt8(ascii: "."), digits.count <= 3,
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        var fraction = 0
        for (index, digit) in digits.enumerated() { fraction += Int(digit - UInt8(ascii: "0")) * [100, 10, 1][index] }
        if first == UInt8(ascii: "1") { return fraction == 0 ? 1000 : nil }
        return fraction
    }
}
