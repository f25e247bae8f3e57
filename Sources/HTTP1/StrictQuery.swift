/// A query string read strictly, for the HTTP interfaces whose parameters are a closed list
/// (click-to-call dialects, device Action URLs, the last-callers widget, the Vodia popup link):
/// every name must be one the caller allows, none may repeat, and every escape must decode.
/// `QueryString` stays the lenient reader for everything else.
///
/// Like `QueryString`: `&`-separated `name=value` pairs (WHATWG URL §5.1), `+` as space, `%XX`
/// as UTF-8; empty segments are ignored; a segment without `=` is a name with an empty value; the
/// value is everything after the first `=` (so Yealink's `key=number=1234` is `key` with the value
/// `number=1234`).
///
/// Phone numbers are the exception to `+`-as-space (`phoneNumber(_:)`): a click-to-call link is
/// usually written by hand or by a phone substituting a placeholder without encoding, so
/// `number=+4930123` arrives with a raw `+` that form-decoding would turn into a space. A `+`
/// that is the value's first raw character is therefore read as a plus; any later `+` is a space
/// (a form-encoded `602+123+456`), and `%2B` is always a plus.
package struct StrictQuery: Sendable {
    /// Longest raw query looked at, in bytes; longer ones are refused before decoding.
    package static let maxBytes = 4096

    package enum Failure: Error, Hashable, Sendable {
        /// A parameter name outside the allowed set (decoded name).
        case unknown(String)
        /// A parameter given twice (decoded name).
        case repeated(String)
        /// A segment with an invalid escape or invalid UTF-8; the text is the raw name if that
        /// much decodes, else empty.
        case undecodable(String)
        case tooLong
    }

    private var decoded: [String: String] = [:]
    private var raw: [String: Substring] = [:]

    package static func parse(_ query: String?, allowed: Set<String>) -> Result<StrictQuery, Failure> {
        var result = StrictQuery()
        guard let query, !query.isEmpty else { return .success(result) }
        guard query.utf8.count <= maxBytes else { return .failure(.tooLong) }
        for segment in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring, value: Substring
            if let equals = segment.firstIndex(of: "=") {
                name = segment[..<equals]
                value = segment[segment.index(after: equals)...]
            } else {
                name = segment
                value = ""
            }
            guard let decodedName = QueryString.percentDecode(String(name), plusAsSpace: true) else {
                return .failure(.undecodable(""))
            }
            guard allowed.contains(decodedName) else { return .failure(.unknown(decodedName)) }
            guard result.decoded[decodedName] == nil else { return .failure(.repeated(decodedName)) }
            guard let decodedValue = QueryString.percentDecode(String(value), plusAsSpace: true) else {
                return .failure(.undecodable(decodedName))
            }
            result.decoded[decodedName] = decodedValue
            result.raw[decodedName] = value
        }
        return .success(result)
    }

    /// The decoded value, or nil when the parameter is absent.
    package func value(_ name: String) -> String? { decoded[name] }

    /// The decoded value with a leading raw `+` kept as a plus (see the type's comment). With
    /// `prefix` (Yealink's `number=` inside `key`), the decoded value must start with it and
    /// the rule applies to what follows; nil otherwise.
    package func phoneNumber(_ name: String, after prefix: String = "") -> String? {
        guard let raw = raw[name], let value = decoded[name], value.hasPrefix(prefix) else { return nil }
        let rest = raw.hasPrefix(prefix) ? raw.dropFirst(prefix.count) : nil
        guard let rest, rest.first == "+" else { return String(value.dropFirst(prefix.count)) }
        return QueryString.percentDecode(String(rest.dropFirst()), plusAsSpace: true).map { "+" + $0 }
    }

    package func contains(_ name: String) -> Bool { decoded[name] != nil }
}
