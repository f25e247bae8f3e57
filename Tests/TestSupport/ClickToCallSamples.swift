import ClickToCall

/// URLs as the source documents print them, split the way an HTTP client sends them.
public enum SeedURL {
    /// The path and the raw query of `url` (`scheme://authority/path?query`), as the request
    /// target a client sends: an empty path is `/` (RFC 9112 §3.2.1). The authority may be
    /// `[IPv6]:port` or a placeholder such as `<phoneIPAddress>`; the scheme may be `http(s)`.
    public static func split(_ url: String) -> (path: String, query: String?) {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...] }
        let start = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let target = rest[start...]
        guard let mark = target.firstIndex(of: "?") else { return (target.isEmpty ? "/" : String(target), nil) }
        let path = target[..<mark]
        return (path.isEmpty ? "/" : String(path), String(target[target.index(after: mark)...]))
    }
}

/// Number plans for the source documents' countries.
public enum Plans {
    /// Russia (docs/compatibility.md §3.3, Oktell): `74952294989` is international without `+`; trunk prefix 8.
    public static let russia = NumberPlan(defaultCountry: "7", trunkPrefix: "8", nationalNumberDigits: 10,
                                   internalExtensions: ["101", "2001", "555"])!
    /// Germany (docs/compatibility.md §2–§4): numbers of varying length; the source documents' extensions.
    public static let germany = NumberPlan(defaultCountry: "49", internalExtensions: ["121", "123", "1234", "2001"])!
    /// Czechia: nine-digit national numbers.
    public static let czechia = NumberPlan(defaultCountry: "420", nationalNumberDigits: 9, internalExtensions: ["2001", "2002"])!
}
