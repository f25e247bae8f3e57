import AgentProtocol

/// How click-to-call numbers are read: the installation's country, its national number shape,
/// and which short numbers are internal extensions. `classify` turns what a link carries into a
/// `DialNumber` or a `ClickToCallError` that says why not.
///
/// `classify(_:)`, in order:
/// 1. Empty (after trimming spaces) → `missingNumber`. More than `maxNumberLength` characters →
///    `numberTooLong`. Any character other than ASCII digits, `+` and the separators space, tab,
///    U+00A0, `-`, `.`, `/`, `(`, `)` → `numberHasInvalidCharacters` (letters, `*`, `#`, `,`,
///    non-ASCII digits). More than 15 digits → `numberTooLong` (E.164's maximum).
/// 2. Digits only, 2–6 of them: an internal extension if `isInternalExtension` knows it, else
///    `unknownExtension`. A short number is never taken as an outside number: `2001` with
///    `"420"` would otherwise become `+4202001` (see `E164`).
/// 3. `+…` or `00…`: international, `E164.normalize` as it stands.
/// 4. Otherwise national digits `d` (separators removed):
///    - with `nationalNumberDigits` = n: `d` of exactly (country code + n) digits that starts
///      with the country code is international written without `+` (`74952294989` in Russia,
///      docs/compatibility.md §3.7; `420602123456` in Czechia);
///    - `d` starting with `trunkPrefix` has it dropped (`0` by default; `8` in Russia);
///    - `+`, the country code and the rest; with `nationalNumberDigits` set, the rest must have
///      exactly n digits.
/// 5. The result must pass `E164.normalize` (7–15 digits, first not 0) → `.external`; else
///    `numberNotDialable`.
///
/// Not done: international dialling prefixes other than `00` (`810` in Russia, `011` in NANP),
/// outside-line prefixes, checking that a number exists.
public struct NumberPlan: Sendable {
    /// Longest number text looked at, in characters.
    public static let maxNumberLength = 40
    /// The digit counts of an internal extension.
    public static let extensionLengths = 2...6

    /// The country calling code for national numbers: 1–3 digits, not starting with 0.
    public let defaultCountry: String
    /// National trunk prefix dropped from national numbers: `"0"` (most of Europe) or `"8"`
    /// (Russia); empty for none (NANP, where `E164` is given 10 digits and `"1"`).
    public let trunkPrefix: String
    /// The length of a national significant number when the country has one length (9 in
    /// Czechia, 10 in Russia); nil where lengths vary (Germany, Austria).
    public let nationalNumberDigits: Int?
    private let isInternalExtension: @Sendable (String) -> Bool

    /// Nil when `defaultCountry` is not 1–3 digits without a leading 0, `trunkPrefix` not 0–2
    /// digits, or `nationalNumberDigits` not 4–13 (so a configuration reader can report the key).
    /// `isInternalExtension` is asked only about 2–6 ASCII digits; the gateway passes the
    /// directory's extensions (they may change at run time, hence a closure).
    public init?(defaultCountry: String, trunkPrefix: String = "0", nationalNumberDigits: Int? = nil,
                 isInternalExtension: @escaping @Sendable (String) -> Bool) {
        guard (1...3).contains(defaultCountry.utf8.count), defaultCountry.utf8.allSatisfy(Self.isDigit),
              defaultCountry.utf8.first != UInt8(ascii: "0"),
              trunkPrefix.utf8.count <= 2, trunkPrefix.utf8.allSatisfy(Self.isDigit),
              nationalNumberDigits.map({ (4...13).contains($0) }) ?? true else { return nil }
        self.defaultCountry = defaultCountry
        self.trunkPrefix = trunkPrefix
        self.nationalNumberDigits = nationalNumberDigits
        self.isInternalExtension = isInternalExtension
    }

    /// A plan whose internal extensions are exactly `internalExtensions`; nil as above.
    public init?(defaultCountry: String, trunkPrefix: String = "0", nationalNumberDigits: Int? = nil,
                 internalExtensions: Set<String> = []) {
        self.init(defaultCountry: defaultCountry, trunkPrefix: trunkPrefix, nationalNumberDigits: nationalNumberDigits,
                  isInternalExtension: { internalExtensions.contains($0) })
    }

    /// Whether `number` (as written) is a known internal extension: 2–6 ASCII digits the plan knows.
    public func isExtension(_ number: String) -> Bool {
        Self.extensionLengths.contains(number.utf8.count) && number.utf8.allSatisfy(Self.isDigit)
            && isInternalExtension(number)
    }

    /// Whether `number` has nothing but spaces, tabs and U+00A0 (`missingNumber`). Needs no plan.
    public static func isBlank(_ number: String) -> Bool {
        !number.unicodeScalars.contains(where: { !isSpace($0) })
    }

    /// The rules in the type's comment.
    public func classify(_ number: String) -> Result<DialNumber, ClickToCallError> {
        guard !Self.isBlank(number) else {
            return .failure(.missingNumber(parameter: "number"))
        }
        guard number.unicodeScalars.count <= Self.maxNumberLength else { return .failure(.numberTooLong) }
        var digits: [UInt8] = []
        for scalar in number.unicodeScalars {
            switch scalar {
            case "0"..."9": digits.append(UInt8(scalar.value))
            case "+", "-", ".", "/", "(", ")", " ", "\t", "\u{A0}": continue
            default: return .failure(.numberHasInvalidCharacters)
            }
        }
        let compact = number.unicodeScalars.filter { !Self.isSpace($0) }
        let plus = compact.first == "+"
        let doubleZero = !plus && digits.starts(with: [0x30, 0x30]) && compact.first == "0"
        guard digits.count - (doubleZero ? 2 : 0) <= E164.maxDigits else { return .failure(.numberTooLong) }
        guard !digits.isEmpty else { return .failure(.numberNotDialable("no digits")) }
        guard !compact.dropFirst().contains("+") else { return .failure(.numberNotDialable("+ may only come first")) }

        if number.utf8.allSatisfy(Self.isDigit), Self.extensionLengths.contains(digits.count) {
            return isInternalExtension(number) ? .success(.internalExtension(number)) : .failure(.unknownExtension)
        }
        if plus || doubleZero {
            guard let e164 = E164.normalize(number, defaultCountry: defaultCountry) else {
                return .failure(.numberNotDialable("not an E.164 number"))
            }
            return .success(.external(e164))
        }

        let country = Array(defaultCountry.utf8)
        var national = digits[...]
        if let n = nationalNumberDigits, digits.count == country.count + n, digits.starts(with: country) {
            national = digits.dropFirst(country.count)
        } else if !trunkPrefix.isEmpty, digits.starts(with: trunkPrefix.utf8) {
            national = digits.dropFirst(trunkPrefix.utf8.count)
        }
        guard national.count > Self.extensionLengths.upperBound else {
            return .failure(.numberNotDialable("too short for an outside number"))
        }
        if let n = nationalNumberDigits, national.count != n {
            return .failure(.numberNotDialable("a national number has \(n) digits"))
        }
        guard let e164 = E164.normalize("+" + defaultCountry + String(decoding: national, as: UTF8.self),
                                        defaultCountry: defaultCountry) else {
            return .failure(.numberNotDialable("not an E.164 number"))
        }
        return .success(.external(e164))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar == "\u{A0}" }
}
