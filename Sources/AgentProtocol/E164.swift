/// Phone numbers to E.164 form (`+` and 7–15 digits, ITU-T E.164 §6), for the Call's `*_norm`
/// fields and for click-to-call.
///
/// `normalize(_:defaultCountry:)`, in order:
/// 1. Only ASCII digits, `+`, and the separators space, tab, U+00A0 (no-break space), `-`, `.`,
///    `/`, `(` and `)` may appear; anything else (letters, `*`, `#`, `,`, `;`, non-ASCII digits)
///    gives nil. So do an empty text and a text of separators only.
/// 2. Spaces, tabs and U+00A0 are removed. If the rest begins with `+` or `00`, every `(0)` is
///    removed (the national trunk prefix written in international form: `+44 (0)20 …`).
///    Then the other separators are removed.
/// 3. `+` may only be the first character. `+DIGITS` is international as it stands. `00DIGITS`
///    is international: `00` becomes `+`. Anything else is national: one leading `0` (the
///    trunk prefix) is dropped, and `+` and `defaultCountry` are put in front.
/// 4. The result must have 7 to 15 digits after the `+` (the shortest assigned numbers, e.g.
///    Niue's, have 7; E.164 allows at most 15), and its first digit, the country code's, must
///    not be 0.
///
/// `defaultCountry` is a country calling code of 1–3 ASCII digits not starting with 0 (`"420"`,
/// `"1"`); with any other value every national number gives nil.
///
/// Not done: checking that a country code is assigned or that a number is dialable, and telling
/// an internal extension from a national number: `"2001"` with `"420"` gives `+4202001`, so
/// callers leave `*_norm` null for internal parties (`caller_internal`). Dialling prefixes such
/// as `011` (NANP) or an outside-line `0` are not recognised.
public enum E164 {
    public static let maxDigits = 15
    public static let minDigits = 7

    public static func normalize(_ number: String, defaultCountry: String) -> String? {
        var compact: [UInt8] = []
        for scalar in number.unicodeScalars {
            switch scalar {
            case " ", "\t", "\u{A0}": continue
            case "0"..."9", "+", "-", ".", "/", "(", ")": compact.append(UInt8(scalar.value))
            default: return nil
            }
        }
        let international = compact.first == UInt8(ascii: "+") || compact.starts(with: [0x30, 0x30])
        if international { compact = removing(Array("(0)".utf8), from: compact) }
        compact.removeAll { [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"),
                             UInt8(ascii: "("), UInt8(ascii: ")")].contains($0) }
        guard !compact.isEmpty, !compact.dropFirst().contains(UInt8(ascii: "+")) else { return nil }

        var digits: ArraySlice<UInt8>
        if compact.first == UInt8(ascii: "+") {
            digits = compact.dropFirst()
        } else if compact.starts(with: [0x30, 0x30]) {
            digits = compact.dropFirst(2)
        } else {
            guard (1...3).contains(defaultCountry.utf8.count),
                  defaultCountry.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  defaultCountry.utf8.first != 0x30 else { return nil }
            var national = compact[...]
            if national.first == 0x30 { national = national.dropFirst() }
            guard !national.isEmpty else { return nil }
            digits = ArraySlice(Array(defaultCountry.utf8) + national)
        }
        guard (minDigits...maxDigits).contains(digits.count), digits.first != 0x30 else { return nil }
        return "+" + String(decoding: digits, as: UTF8.self)
    }

    private static func removing(_ pattern: [UInt8], from bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index...].starts(with: pattern) {
                index += pattern.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }
}
