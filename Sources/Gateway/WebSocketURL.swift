/// A `ws://` or `wss://HOST:PORT/PATH?QUERY` URL (RFC 6455 §3).
struct WebSocketURL: Sendable, CustomStringConvertible {
    /// `wss`: TLS, default port 443; `ws`: default port 80.
    var isSecure: Bool
    var host: String
    var port: UInt16
    /// Path and query: the request target of the opening handshake.
    var target: String

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(parsing text: String) throws(ParseError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("ws://") {
            isSecure = false
        } else if lowered.hasPrefix("wss://") {
            isSecure = true
        } else {
            throw ParseError(description: "expected a ws:// or wss:// URL, got \"\(text)\"")
        }
        let rest = text.dropFirst(isSecure ? 6 : 5)
        let defaultPort: UInt16 = isSecure ? 443 : 80
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" })
        let target = rest.dropFirst(authority.count)
        self.target = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : String(target))
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let portText = authority[authority.index(after: close)...].dropFirst()
            port = portText.isEmpty ? defaultPort : try Self.port(portText)
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try Self.port(authority[authority.index(after: colon)...])
        } else {
            host = String(authority)
            port = defaultPort
        }
        if host.isEmpty { throw ParseError(description: "no host in \"\(text)\"") }
    }

    private static func port(_ text: Substring) throws(ParseError) -> UInt16 {
        guard let port = UInt16(text), port > 0 else { throw ParseError(description: "bad port \"\(text)\"") }
        return port
    }

    /// The Host header value (§4.1: the port is included when it is not the default).
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    var description: String { "\(isSecure ? "wss" : "ws")://\(hostHeader)\(target)" }
}
