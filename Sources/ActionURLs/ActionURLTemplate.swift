import HTTP1

/// An outgoing Action URL (docs/architecture.md §3.7): an http(s) URL with docs/compatibility.md §4.3's
/// `<$placeholder>` tokens, rendered for each call event and requested by the gateway (with `ActionURLTargetQueue`
/// for retries). The wiki's example, verbatim, is a valid template:
///
///     https://example.com/call.php?action=<$action>&calldirection=<$call_direction>…&remotedisplayname=<$remote_alias>
///
/// `parse` (at configuration time) refuses:
/// - a scheme other than `http`/`https` (case-insensitive), a missing or invalid host (a DNS
///   name of `A–Z a–z 0–9 - . _`, an IPv4 address, or `[IPv6]`), a port outside 1–65535,
///   `user:password@`;
/// - a placeholder in the scheme, host or port (`placeholderInAuthority`): values must never
///   steer the request's destination;
/// - `<$name>` with an unknown name (`unknownPlaceholder`, naming it), `<$` without `>`;
/// - in the path and query, any character RFC 3986 §3.3/§3.4 does not allow as written
///   (space, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, controls, non-ASCII), a `%` not
///   followed by two hex digits, a `#fragment`, a `.`/`..` path segment;
/// - more than `maxTemplateBytes`.
///
/// `render` substitutes every placeholder with its value percent-encoded to RFC 3986 §2.3's
/// unreserved characters only (`QueryString.percentEncode`): CR, LF, space, `&`, `=`, `#`, `/`,
/// `?`, `%` and every non-ASCII byte are escaped, so no value can end the query parameter, add
/// one, start a fragment, change the path, or break the request line or a header. It refuses a
/// rendering whose path has a segment that decodes to `.` or `..` (a value such as `..` or
/// `..%2F` placed in the path), and one longer than `maxTargetBytes`.
///
/// Not checked: whether the host resolves to an internal address (templates are the
/// operator's configuration, trusted like the rest of it).
public struct ActionURLTemplate: Hashable, Sendable {
    public static let maxTemplateBytes = 2_048
    /// Longest rendered request target.
    public static let maxTargetBytes = 8_192

    /// The template as configured.
    public let text: String
    public let isTLS: Bool
    /// Lowercase; an IPv6 address without brackets.
    public let host: String
    public let port: Int
    private let parts: [Part]

    private enum Part: Hashable, Sendable {
        case literal(String)
        case placeholder(ActionURLPlaceholder)
    }

    /// The placeholders used, in order of appearance (repeats kept).
    public var placeholders: [ActionURLPlaceholder] {
        parts.compactMap { if case .placeholder(let p) = $0 { p } else { nil } }
    }

    public static func parse(_ text: String) -> Result<ActionURLTemplate, ActionURLTemplateError> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard bytes.count <= maxTemplateBytes else { return .failure(.tooLong) }

        // Scheme (RFC 3986 §3.1: case-insensitive).
        guard let schemeEnd = find(Array("://".utf8), in: bytes, from: 0) else { return .failure(.unsupportedScheme("")) }
        let scheme = bytes[..<schemeEnd]
        if let name = placeholderName(in: scheme) { return .failure(.placeholderInAuthority(name)) }
        let isTLS: Bool
        switch String(decoding: scheme, as: UTF8.self).lowercased() {
        case "http": isTLS = false
        case "https": isTLS = true
        default: return .failure(.unsupportedScheme(String(decoding: scheme, as: UTF8.self)))
        }

        // Authority (§3.2): up to the first `/`, `?` or `#`.
        let authorityStart = schemeEnd + 3
        let authorityEnd = bytes[authorityStart...].firstIndex {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        } ?? bytes.endIndex
        let authority = bytes[authorityStart..<authorityEnd]
        if let name = placeholderName(in: authority) { return .failure(.placeholderInAuthority(name)) }
        guard !authority.contains(UInt8(ascii: "@")) else { return .failure(.userinfoNotAllowed) }
        switch hostAndPort(authority, isTLS: isTLS) {
        case .failure(let error): return .failure(error)
        case .success(let (host, port)):
            switch pathAndQuery(bytes, from: authorityEnd) {
            case .failure(let error): return .failure(error)
            case .success(let parts):
                let template = ActionURLTemplate(text: text, isTLS: isTLS, host: host, port: port, parts: parts)
                // The template's own path, with every placeholder as a harmless value.
                guard !hasDotSegment(template.target { _ in "x" }) else { return .failure(.dotSegment) }
                return .success(template)
            }
        }
    }

    private static func hostAndPort(_ authority: ArraySlice<UInt8>, isTLS: Bool) -> Result<(String, Int), ActionURLTemplateError> {
        let text = String(decoding: authority, as: UTF8.self)
        let hostBytes: ArraySlice<UInt8>, portBytes: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return .failure(.invalidHost(text)) }
            hostBytes = authority[(authority.startIndex + 1)..<close]
            let rest = authority[(close + 1)...]
            guard rest.isEmpty || rest.first == UInt8(ascii: ":") else { return .failure(.invalidHost(text)) }
            portBytes = rest.isEmpty ? nil : rest.dropFirst()
            guard hostBytes.contains(UInt8(ascii: ":")),
                  hostBytes.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
                return .failure(.invalidHost(String(decoding: hostBytes, as: UTF8.self)))
            }
        } else {
            let colon = authority.firstIndex(of: UInt8(ascii: ":"))
            hostBytes = authority[..<(colon ?? authority.endIndex)]
            portBytes = colon.map { authority[($0 + 1)...] }
            guard !hostBytes.isEmpty else { return .failure(.missingHost) }
            guard hostBytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }),
                  hostBytes.first != UInt8(ascii: "."),
                  find(Array("..".utf8), in: Array(hostBytes), from: 0) == nil else {
                return .failure(.invalidHost(String(decoding: hostBytes, as: UTF8.self)))
            }
        }
        guard !hostBytes.isEmpty else { return .failure(.missingHost) }
        var port = isTLS ? 443 : 80
        if let portBytes {
            let portText = String(decoding: portBytes, as: UTF8.self)
            guard (1...5).contains(portBytes.count), portBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(portText), (1...65_535).contains(value) else { return .failure(.invalidPort(portText)) }
            port = value
        }
        return .success((String(decoding: hostBytes, as: UTF8.self).lowercased(), port))
    }

    /// The path and query from `start` (the byte after the authority), split into literals and
    /// placeholders; an empty path becomes `/` (RFC 9112 §3.2.1).
    private static func pathAndQuery(_ bytes: [UInt8], from start: Int) -> Result<[Part], ActionURLTemplateError> {
        var parts: [Part] = []
        var literal: [UInt8] = bytes[start...].first == UInt8(ascii: "/") ? [] : [UInt8(ascii: "/")]
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "<"):
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "$") else {
                    return .failure(.invalidCharacter("<", offset: index))
                }
                guard let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: ">")) else {
                    return .failure(.unterminatedPlaceholder)
                }
                let name = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                guard let placeholder = ActionURLPlaceholder(rawValue: name) else { return .failure(.unknownPlaceholder(name)) }
                if !literal.isEmpty { parts.append(.literal(String(decoding: literal, as: UTF8.self))) }
                literal = []
                parts.append(.placeholder(placeholder))
                index = close + 1
                continue
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else {
                    return .failure(.invalidPercentEscape(offset: index))
                }
            case UInt8(ascii: "#"):
                return .failure(.fragmentNotAllowed)
            default:
                guard isAllowedLiteral(byte) else {
                    let character = String(decoding: bytes[index...].prefix(byte < 0x80 ? 1 : 4), as: UTF8.self).prefix(1)
                    return .failure(.invalidCharacter(String(character), offset: index))
                }
            }
            literal.append(byte)
            index += 1
        }
        if !literal.isEmpty { parts.append(.literal(String(decoding: literal, as: UTF8.self))) }
        return .success(parts)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The request for `values`.
    public func render(_ values: ActionURLValues) -> Result<ActionURLRequest, ActionURLTemplateError> {
        let target = target { QueryString.percentEncode(values.text($0)) }
        guard target.utf8.count <= Self.maxTargetBytes else { return .failure(.renderedTooLong) }
        guard !Self.hasDotSegment(target) else { return .failure(.renderedDotSegment) }
        return .success(ActionURLRequest(isTLS: isTLS, host: host, port: port, target: target))
    }

    private func target(_ value: (ActionURLPlaceholder) -> String) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .placeholder(let placeholder): out += value(placeholder)
            }
        }
        return out
    }

    /// Whether the path of `target` has a segment that is, or percent-decodes to something
    /// with a segment that is, `.` or `..` (`/` and `\` both separate, as some servers treat them).
    private static func hasDotSegment(_ target: String) -> Bool {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let decoded = QueryString.percentDecode(String(path), plusAsSpace: false) ?? String(path)
        return decoded.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
            .contains { $0 == "." || $0 == ".." }
    }

    /// The name of the first `<$…` in `bytes` (to its `>` or the end), or nil if there is none.
    private static func placeholderName(in bytes: ArraySlice<UInt8>) -> String? {
        guard let start = bytes.indices.first(where: { bytes[$0] == UInt8(ascii: "<") && $0 + 1 < bytes.endIndex
                                                       && bytes[$0 + 1] == UInt8(ascii: "$") }) else { return nil }
        let rest = bytes[(start + 2)...]
        return String(decoding: rest[..<(rest.firstIndex(of: UInt8(ascii: ">")) ?? rest.endIndex)], as: UTF8.self)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// RFC 3986 pchar / query characters as written: unreserved, sub-delims, `:`, `@`, `/`, `?`.
    private static func isAllowedLiteral(_ byte: UInt8) -> Bool {
        QueryString.isUnreserved(byte) || Array("!$&'()*+,;=:@/?".utf8).contains(byte)
    }
}
