/// The client's address as proxies report it over HTTP: the `Forwarded` field's `for=` parameters
/// (RFC 7239) or, without one, `X-Forwarded-For` (the de facto form: comma-separated
/// addresses, the client first, each proxy appending the peer it saw).
///
/// Only a connection from a trusted proxy gets here (`TrustedProxies`), and of the list only
/// what trusted proxies appended can be believed: the client is the rightmost hop that is not
/// a trusted proxy (RFC 7239 §7.1's warning: anything to its left may be forged). When every
/// hop is trusted, the leftmost one is the client. A hop a trusted proxy could not name
/// (`unknown`, an obfuscated identifier, RFC 7239 §6.2–6.3, or text that is no address) makes
/// the client `.unknown`, never the proxy itself: a proxy's address may be one that click-to-call
/// or the workplace map trusts.
public enum ForwardedFor {
    public enum Node: Sendable, Hashable, CustomStringConvertible {
        case address(IPAddress)
        /// `unknown`, an obfuscated node or unparseable text.
        case unknown

        public var description: String {
            switch self {
            case .address(let address): "\(address)"
            case .unknown: "unknown"
            }
        }
    }

    /// The hops the request's fields list, farthest first: from `Forwarded` when the request has
    /// one, else from `X-Forwarded-For`; each argument holds the field's lines in order (RFC
    /// 9110 §5.3: several lines are one comma-separated list). Empty when neither is present.
    public static func hops(forwarded: [String], xForwardedFor: [String]) -> [Node] {
        if !forwarded.isEmpty { return forwarded.flatMap(forwardedHops) }
        return xForwardedFor.flatMap { line in
            line.split(separator: ",").compactMap { element -> Node? in
                let trimmed = element.trimmingWhitespace
                return trimmed.isEmpty ? nil : node(trimmed)
            }
        }
    }

    /// The client behind `peer` (a trusted proxy) according to `hops`.
    public static func client(peer: IPAddress, hops: [Node], trusted: TrustedProxies) -> Node {
        var nearest = Node.address(peer)
        for hop in hops.reversed() {
            guard case .address(let address) = hop else { return .unknown }
            if !trusted.contains(address) { return hop }
            nearest = hop
        }
        return nearest
    }

    // MARK: RFC 7239

    /// RFC 7239 §4: `Forwarded = 1#forwarded-element`, `forwarded-element = [ forwarded-pair ]
    /// *( ";" [ forwarded-pair ] )`, `forwarded-pair = token "=" value`, `value = token /
    /// quoted-string`. One node per element: its `for` parameter (names are case-insensitive,
    /// §4); an element without one names an unknown hop.
    static func forwardedHops(_ line: String) -> [Node] {
        var hops: [Node] = []
        var node: Node?
        var sawPair = false
        var name = "", value = ""
        var inName = true, inQuotes = false, escaped = false
        func endPair() {
            let key = name.trimmingWhitespace.lowercased()
            if !key.isEmpty { sawPair = true }
            if key == "for" && node == nil { node = Self.node(value.trimmingWhitespace) }
            name = ""
            value = ""
            inName = true
        }
        func endElement() {
            endPair()
            if sawPair { hops.append(node ?? .unknown) }
            node = nil
            sawPair = false
        }
        for character in line {
            if inQuotes {
                if escaped { value.append(character); escaped = false }
                else if character == "\\" { escaped = true }
                else if character == "\"" { inQuotes = false }
                else { value.append(character) }
                continue
            }
            switch character {
            case "\"" where !inName: inQuotes = true
            case "=" where inName: inName = false
            case ";": endPair()
            case ",": endElement()
            default:
                if inName { name.append(character) } else { value.append(character) }
            }
        }
        endElement()
        return hops
    }

    // MARK: nodes

    /// RFC 7239 §6: `node = nodename [ ":" node-port ]`, `nodename = IPv4address / "["
    /// IPv6address "]" / "unknown" / obfnode`. `X-Forwarded-For` entries take the same forms,
    /// and bare IPv6 addresses too.
    static func node(_ text: Substring) -> Node {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), let address = IPAddress(text[text.index(after: text.startIndex)..<close]),
                  case .v6 = address else { return .unknown }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.count > 1) else { return .unknown }
            return .address(address)
        }
        if let address = IPAddress(text) { return .address(address) }
        // IPv4 with a port: exactly one colon.
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].allSatisfy({ $0 != ":" }),
           let address = IPAddress(text[..<colon]), case .v4 = address, colon != text.index(before: text.endIndex) {
            return .address(address)
        }
        return .unknown
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (RFC 9110 §5.6.3 OWS).
    var trimmingWhitespace: Substring {
        let string = Substring(self)
        guard let first = string.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = string.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return string[first...last]
    }
}
