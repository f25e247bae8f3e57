/// A `ws://HOST:PORT/PATH?QUERY` URL (RFC 6455 §3). `wss` arrives with TLSBridge.
struct WebSocketURL: Sendable, CustomStringConvertible {
    var host: String
    var port: UInt16
    /// Path and query: the request target of the opening handshake.
    var target: String

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(parsing text: String) throws(ParseError) {
        guard text.hasPrefix("ws://") else { throw ParseError(description: "only ws:// URLs are supported, got \"\(text)\"") }
        let rest = text.dropFirst(5)
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" })
        let target = rest.dropFirst(authority.count)
        self.target = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : String(target))
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let portText = authority[authority.index(after: close)...].dropFirst()
            port = portText.isEmpty ? 80 : try Self.port(portText)
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try Self.port(authority[authority.index(after: colon)...])
        } else {
            host = String(authority)
            port = 80
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
        return port == 80 ? name : "\(name):\(port)"
    }

    var description: String { "ws://\(hostHeader)\(target)" }
}
