/// Reading header values as bytes (RFC 9110 §5.5), never as Characters: a combining mark after a
/// space or a separator must not merge with it into one grapheme (issue 18, a fuzz finding).
extension ArraySlice where Element == UInt8 {
    /// Without the optional whitespace (SP, HTAB) around it, RFC 9110 §5.6.3.
    var withoutOWS: ArraySlice<UInt8> {
        let isOWS: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isOWS($0) }), let last = lastIndex(where: { !isOWS($0) }) else { return [] }
        return self[first...last]
    }

    /// Whether it starts with `prefix` (lower-case ASCII), ASCII case-insensitively, as
    /// authentication schemes compare (RFC 9110 §11.1).
    func starts(withASCIICaseInsensitive prefix: String) -> Bool {
        count >= prefix.utf8.count
            && zip(self, prefix.utf8).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }
}
