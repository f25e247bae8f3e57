/// A URI as SIP carries it (RFC 3261 §19.1, §25.1): a SIP or SIPS URI parsed into its parts, or
/// any other `absoluteURI` (tel:, http:, an unknown scheme) kept as written with its scheme.
///
/// ```
/// SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
/// userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
/// ```
/// Not done: the §19.1.4 equivalence rules beyond what an identity check needs (`user`
/// unescaped and compared exactly, `host` case-insensitively; see `SIPIdentity`), and the
/// telephone-subscriber grammar of RFC 3966 (read as a user).
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// Lowercased: `sip`, `sips`, `tel`, …
    public var scheme: String
    /// As written.
    public var text: String
    /// SIP and SIPS: the user part as written (escapes kept); nil when the URI has none.
    public var user: String?
    public var password: String?
    /// SIP and SIPS: the host as written (an IPv6 reference with its brackets); nil for others.
    public var host: String?
    public var port: Int?
    /// SIP and SIPS: `;name=value` URI parameters as written.
    public var parameters: [SIPParameter] = []
    /// SIP and SIPS: the `?header=value&…` part after the `?`, as written; nil when absent.
    public var headers: String?

    public var isSIP: Bool { scheme == "sip" || scheme == "sips" }
    public var description: String { text }

    /// The user part unescaped (§19.1.4 compares it so); nil without one or with a bad escape.
    public var unescapedUser: String? { user.flatMap(SIPSyntax.unescaped) }

    public init(parsing text: String) throws(SIPSyntaxError) {
        self.text = text
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0 else { throw SIPSyntaxError(detail: "\"\(text)\" has no scheme") }
        // RFC 3986 §3.1 as RFC 3261 §25.1 takes it: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        let schemeBytes = bytes[..<colon]
        guard let first = schemeBytes.first, SIPSyntax.isAlphanumeric(first), !SIPSyntax.isDigit(first),
              schemeBytes.allSatisfy({ SIPSyntax.isAlphanumeric($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else {
            throw SIPSyntaxError(detail: "\"\(text)\" does not start with a URI scheme")
        }
        scheme = String(decoding: schemeBytes, as: UTF8.self).lowercased()
        let rest = Array(bytes[(colon + 1)...])
        if scheme == "sip" || scheme == "sips" {
            try parseSIP(rest)
        } else {
            // absoluteURI: 1*uric, where uric excludes space, controls, < > " and the like.
            guard !rest.isEmpty, rest.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !Array("<>\"{}|\\^`".utf8).contains($0) }) else {
                throw SIPSyntaxError(detail: "\"\(text)\" is not a valid absolute URI")
            }
        }
    }

    private mutating func parseSIP(_ rest: [UInt8]) throws(SIPSyntaxError) {
        var remainder = rest[...]
        // userinfo: the user may hold ; ? / (user-unreserved), but never an unescaped @.
        if let at = remainder.firstIndex(of: 0x40) {
            let userinfo = remainder[..<at]
            remainder = remainder[(at + 1)...]
            let userBytes: ArraySlice<UInt8>
            if let colon = userinfo.firstIndex(of: 0x3A) {
                userBytes = userinfo[..<colon]
                let passwordBytes = userinfo[(colon + 1)...]
                guard Self.isEscaped(passwordBytes, allowing: "&=+$,") else { throw SIPSyntaxError(detail: "invalid password in \(text)") }
                password = String(decoding: passwordBytes, as: UTF8.self)
            } else {
                userBytes = userinfo
            }
            guard !userBytes.isEmpty, Self.isEscaped(userBytes, allowing: "&=+$,;?/") else {
                throw SIPSyntaxError(detail: "invalid user part in \(text)")
            }
            user = String(decoding: userBytes, as: UTF8.self)
        }
        // hostport, up to the parameters or headers.
        let hostEnd = remainder.firstIndex { $0 == 0x3B || $0 == 0x3F } ?? remainder.endIndex
        let hostport = remainder[..<hostEnd]
        remainder = remainder[hostEnd...]
        var hostBytes = hostport
        if hostport.first == 0x5B {
            // IPv6reference = "[" IPv6address "]"
            guard let close = hostport.firstIndex(of: 0x5D), close > hostport.startIndex + 1,
                  hostport[(hostport.startIndex + 1)..<close].allSatisfy({ SIPSyntax.isHexDigit($0) || $0 == 0x3A || $0 == 0x2E }) else {
                throw SIPSyntaxError(detail: "invalid IPv6 reference in \(text)")
            }
            hostBytes = hostport[...close]
            let after = hostport[(close + 1)...]
            if !after.isEmpty {
                guard after.first == 0x3A else { throw SIPSyntaxError(detail: "invalid host in \(text)") }
                port = try Self.port(after.dropFirst(), in: text)
            }
        } else if let colon = hostport.firstIndex(of: 0x3A) {
            hostBytes = hostport[..<colon]
            port = try Self.port(hostport[(colon + 1)...], in: text)
        }
        // hostname / IPv4address: alphanumerics, "-" and "." (§25.1 `hostname`).
        guard !hostBytes.isEmpty, hostBytes.first == 0x5B
                || hostBytes.allSatisfy({ SIPSyntax.isAlphanumeric($0) || $0 == 0x2D || $0 == 0x2E }) else {
            throw SIPSyntaxError(detail: "invalid host in \(text)")
        }
        host = String(decoding: hostBytes, as: UTF8.self)
        // uri-parameters = *( ";" uri-parameter ), uri-parameter = pname [ "=" pvalue ]
        while remainder.first == 0x3B {
            remainder = remainder.dropFirst()
            let end = remainder.firstIndex { $0 == 0x3B || $0 == 0x3F } ?? remainder.endIndex
            let parameter = remainder[..<end]
            remainder = remainder[end...]
            let name: ArraySlice<UInt8>
            var value: ArraySlice<UInt8>?
            if let equals = parameter.firstIndex(of: 0x3D) {
                name = parameter[..<equals]
                value = parameter[(equals + 1)...]
            } else {
                name = parameter
            }
            guard !name.isEmpty, Self.isEscaped(name, allowing: "[]/:&+$"),
                  value.map({ !$0.isEmpty && Self.isEscaped($0, allowing: "[]/:&+$") }) ?? true else {
                throw SIPSyntaxError(detail: "invalid URI parameter in \(text)")
            }
            parameters.append(SIPParameter(name: String(decoding: name, as: UTF8.self),
                                           value: value.map { String(decoding: $0, as: UTF8.self) }))
        }
        // headers = "?" header *( "&" header ), header = hname "=" hvalue
        if remainder.first == 0x3F {
            let headerBytes = remainder.dropFirst()
            guard !headerBytes.isEmpty, Self.isEscaped(headerBytes, allowing: "[]/?:+$&=") else {
                throw SIPSyntaxError(detail: "invalid URI headers in \(text)")
            }
            headers = String(decoding: headerBytes, as: UTF8.self)
        } else if !remainder.isEmpty {
            throw SIPSyntaxError(detail: "unexpected characters in \(text)")
        }
    }

    /// Every byte is unreserved, one of `extra`, or part of an `escaped` (`%` HEXDIG HEXDIG).
    private static func isEscaped(_ bytes: ArraySlice<UInt8>, allowing extra: String) -> Bool {
        let allowed = Array(extra.utf8)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x25 {
                guard index + 2 < bytes.endIndex,
                      SIPSyntax.isHexDigit(bytes[index + 1]), SIPSyntax.isHexDigit(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            guard SIPSyntax.isUnreserved(byte) || allowed.contains(byte) else { return false }
            index += 1
        }
        return true
    }

    private static func port(_ bytes: ArraySlice<UInt8>, in text: String) throws(SIPSyntaxError) -> Int {
        guard let value = SIPSyntax.number(String(decoding: bytes, as: UTF8.self), maximum: 65_535) else {
            throw SIPSyntaxError(detail: "invalid port in \(text)")
        }
        return Int(value)
    }
}

extension SIPURI {
    /// `text` as a SIP user part (RFC 3261 §25.1 `user`): unreserved characters and
    /// `& = + $ , ; ? /` as they are, every other byte percent-escaped.
    public static func escapedUser(_ text: String) -> String {
        let allowed = Array("&=+$,;?/".utf8)
        var out = ""
        for byte in text.utf8 {
            if SIPSyntax.isUnreserved(byte) || allowed.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
