/// The `Accept-Encoding` field, RFC 9110 §12.5.3: which content codings the client takes.
///
///     Accept-Encoding = #( codings [ weight ] )
///     codings         = content-coding / "identity" / "*"
///     weight          = OWS ";" OWS "q=" qvalue                  ; §12.4.2
///     qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
///
/// Codings and the `q` name are case-insensitive (§8.4.1, §12.4.2); `x-gzip` is `gzip`
/// (§8.4.1.3). A coding listed by name takes its own weight; one not listed takes the weight of
/// `*`, if any. `q=0` means "not acceptable". An element that does not parse (a bad qvalue,
/// another parameter) is skipped, so it neither grants nor refuses anything.
///
/// Deliberately stricter than §12.5.3 in one place: without any `Accept-Encoding` field "any
/// coding is acceptable", but a client that says nothing gets identity, which every client reads.
public struct AcceptEncoding: Sendable, Equatable {
    /// The parsed elements, codings lower-cased, weights in thousandths (0...1000).
    public let weights: [(coding: String, weight: Int)]
    /// Whether any `Accept-Encoding` field line was present.
    public let isPresent: Bool

    /// From the values of every `Accept-Encoding` field line.
    public init(fieldValues: [String]) {
        isPresent = !fieldValues.isEmpty
        weights = fieldValues.flatMap { value in
            value.split(separator: ",", omittingEmptySubsequences: true).compactMap(Self.parseElement)
        }
    }

    public static func == (a: AcceptEncoding, b: AcceptEncoding) -> Bool {
        a.isPresent == b.isPresent && a.weights.elementsEqual(b.weights) { $0 == $1 }
    }

    /// The weight (thousandths) the client gives `coding`: its own, else that of `*`, else nil.
    public func weight(of coding: String) -> Int? {
        let name = Self.canonical(coding.lowercased())
        if let own = weights.first(where: { $0.coding == name }) { return own.weight }
        return weights.first(where: { $0.coding == "*" })?.weight
    }

    /// Whether a gzip response is acceptable: the field is present and gives gzip (by name or
    /// through `*`) a weight above zero.
    public var acceptsGzip: Bool {
        isPresent && (weight(of: "gzip") ?? 0) > 0
    }

    /// §12.5.3: identity is acceptable unless it is refused by name, or by `*;q=0` without
    /// being listed. (The gateway sends identity anyway rather than 406.)
    public var acceptsIdentity: Bool {
        if let own = weights.first(where: { $0.coding == "identity" }) { return own.weight > 0 }
        if let any = weights.first(where: { $0.coding == "*" }) { return any.weight > 0 }
        return true
    }

    private static func canonical(_ coding: String) -> String { coding == "x-gzip" ? "gzip" : coding }

    /// `coding [ OWS ";" OWS "q=" qvalue ]` with surrounding OWS; nil when malformed.
    private static func parseElement(_ element: Substring) -> (coding: String, weight: Int)? {
        let parts = element.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let coding = trimmed(parts[0]).lowercased()
        guard !coding.isEmpty, coding.utf8.allSatisfy(isTokenChar) else { return nil }
        guard parts.count == 2 else { return (canonical(coding), 1000) }
        let parameter = trimmed(parts[1])
        guard parameter.count >= 2, parameter.first == "q" || parameter.first == "Q",
              parameter.dropFirst().first == "=", let weight = qvalue(parameter.dropFirst(2)) else { return nil }
        return (canonical(coding), weight)
    }

    /// §12.4.2 `qvalue` as thousandths.
    static func qvalue(_ text: Substring) -> Int? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var thousandths = first == UInt8(ascii: "1") ? 1000 : 0
        guard bytes.count > 1 else { return thousandths }
        guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
        var scale = 100
        for digit in bytes[2...] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            thousandths += Int(digit - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return thousandths <= 1000 ? thousandths : nil
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var slice = text
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return slice
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
