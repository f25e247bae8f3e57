/// An entity tag, RFC 9110 §8.8.3: an opaque validator of one representation.
///
///     entity-tag = [ weak ] opaque-tag
///     weak       = %s"W/"
///     opaque-tag = DQUOTE *etagc DQUOTE
///     etagc      = %x21 / %x23-7E / obs-text
///
/// `W/` is case-sensitive. Two tags compare by their opaque-tags character for character
/// (§8.8.3.2): strongly only when neither is weak, weakly regardless of weakness.
public struct EntityTag: Sendable, Equatable, CustomStringConvertible {
    /// The characters between the quotes.
    public let opaqueTag: String
    public let isWeak: Bool

    /// A tag from `opaqueTag` (the text between the quotes); nil when it holds a character that
    /// `etagc` does not allow (a quote, a space, a control).
    public init?(opaqueTag: String, isWeak: Bool = false) {
        guard opaqueTag.utf8.allSatisfy(Self.isEtagc) else { return nil }
        self.opaqueTag = opaqueTag
        self.isWeak = isWeak
    }

    /// Exactly one `entity-tag`, without surrounding whitespace; nil when malformed.
    public init?(parsing text: String) {
        var scanner = Array(text.utf8)[...]
        guard let tag = Self.scan(&scanner), scanner.isEmpty else { return nil }
        self = tag
    }

    /// The field value form, e.g. `W/"xyzzy"`.
    public var description: String { (isWeak ? "W/" : "") + "\"" + opaqueTag + "\"" }

    /// §8.8.3.2 strong comparison: both strong and the opaque-tags identical.
    public func matchesStrongly(_ other: EntityTag) -> Bool {
        !isWeak && !other.isWeak && opaqueTag == other.opaqueTag
    }

    /// §8.8.3.2 weak comparison: the opaque-tags identical, either or both may be weak.
    public func matchesWeakly(_ other: EntityTag) -> Bool {
        opaqueTag == other.opaqueTag
    }

    /// Reads one `entity-tag` from the front of `input` and drops it; nil (with `input` in an
    /// unspecified position) when the front is not one.
    static func scan(_ input: inout ArraySlice<UInt8>) -> EntityTag? {
        var isWeak = false
        if input.starts(with: [UInt8(ascii: "W"), UInt8(ascii: "/")]) {
            isWeak = true
            input.removeFirst(2)
        }
        guard input.popFirst() == UInt8(ascii: "\"") else { return nil }
        guard let close = input.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let opaque = input[..<close]
        guard opaque.allSatisfy(isEtagc), let text = String(validating: opaque, as: UTF8.self) else { return nil }
        input = input[input.index(after: close)...]
        return EntityTag(uncheckedOpaqueTag: text, isWeak: isWeak)
    }

    private init(uncheckedOpaqueTag: String, isWeak: Bool) {
        opaqueTag = uncheckedOpaqueTag
        self.isWeak = isWeak
    }

    /// `etagc = %x21 / %x23-7E / obs-text`; obs-text is `%x80-FF`.
    static func isEtagc(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x7E).contains(byte) || byte >= 0x80
    }
}
