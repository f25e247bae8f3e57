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
            Array(value.utf8)[...].split(separator: UInt8(ascii: ",")).compactMap(Self.parseElement)
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

    /// `coding [ OWS ";" OWS "q=" qvalue ]` with surrounding OWS; nil when malformed. Bytes, not
    /// Characters (a combining mark after `,` must not join two elements).
    private static func parseElement(_ element: ArraySlice<UInt8>) -> (coding: String, weight: Int)? {
        let parts = element.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false)
        let coding = parts[0].withoutOWS
        guard !coding.isEmpty, coding.allSatisfy(isTokenChar) else { return nil }
        let name = canonical(String(decoding: coding, as: UTF8.self).lowercased())
        guard parts.count == 2 else { return (name, 1000) }
        let parameter = parts[1].withoutOWS
        guard parameter.starts(withASCIICaseInsensitive: "q="), let weight = parameter.dropFirst(2).qvalue else { return nil }
        return (name, weight)
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
