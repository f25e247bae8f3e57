/// The query component of a request target (RFC 3986 §3.4), read as
/// `application/x-www-form-urlencoded` (WHATWG URL §5.1): `&`-separated `name=value` pairs,
/// `+` meaning space, `%XX` escapes decoded as UTF-8.
///
/// Lenient where browsers and desk phones differ: empty segments (`a=1&&b=2`) are ignored, and a
/// segment without `=` is a name with an empty value. A segment whose name or value has an
/// invalid escape (`%zz`, a lone `%`) or decodes to invalid UTF-8 is skipped by `pairs` and
/// `value(named:)`, but kept verbatim by `removing(names:)`. `;` is not a separator.
public struct QueryString: Sendable, Equatable {
    /// The text after the target's `?`, as received. A `?` in it is data, not dropped (as
    /// browsers read `url.query`): `/p??x=1` has the name `?x` (issue 18, a fuzz finding).
    public let raw: String
    /// The decoded pairs, in order; repeated names are kept.
    public let pairs: [(name: String, value: String)]

    public init(_ raw: String) {
        self.raw = raw
        self.pairs = Self.segments(raw).compactMap(Self.decodePair)
    }

    /// The value of the first pair named `name` (names compare exactly, after decoding), or nil.
    public func value(named name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// The values of every pair named `name`, in order.
    public func values(named name: String) -> [String] {
        pairs.compactMap { $0.name == name ? $0.value : nil }
    }

    /// The raw query without the segments whose decoded name is in `names` (for example the
    /// credential parameters, before the rest goes upstream). Other segments are kept byte for
    /// byte, in order, joined by `&`; empty segments are dropped. May be empty.
    public func removing(names: Set<String>) -> String {
        Self.segments(raw).filter { segment in
            guard let pair = Self.decodePair(segment) else { return true }
            return !names.contains(pair.name)
        }.joined(separator: "&")
    }

    public static func == (lhs: QueryString, rhs: QueryString) -> Bool { lhs.raw == rhs.raw }

    /// `text` with `%XX` escapes (either hex case) decoded, and `+` as space if `plusAsSpace`;
    /// nil for an invalid escape or a result that is not UTF-8.
    public static func percentDecode(_ text: String, plusAsSpace: Bool) -> String? {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            switch utf8[i] {
            case UInt8(ascii: "%"):
                guard i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) else { return nil }
                out.append(high << 4 | low)
                i += 3
            case UInt8(ascii: "+") where plusAsSpace:
                out.append(UInt8(ascii: " "))
                i += 1
            case let byte:
                out.append(byte)
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func segments(_ text: String) -> [String] {
        text.split(separator: "&", omittingEmptySubsequences: true).map(String.init)
    }

    private static func decodePair(_ segment: String) -> (name: String, value: String)? {
        let name: Substring, value: Substring
        if let equals = segment.firstIndex(of: "=") {
            name = segment[..<equals]
            value = segment[segment.index(after: equals)...]
        } else {
            name = segment[...]
            value = ""
        }
        guard let decodedName = percentDecode(String(name), plusAsSpace: true),
              let decodedValue = percentDecode(String(value), plusAsSpace: true) else { return nil }
        return (decodedName, decodedValue)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
