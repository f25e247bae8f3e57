import HTTP1

/// What a valid client opening handshake asked for, RFC 6455 §4.2.1, ready for the 101.
public struct WebSocketUpgrade: Hashable, Sendable {
    /// §4.2.1 item 5: the client's `Sec-WebSocket-Key`, as sent.
    public var key: String
    /// §4.2.2 step 5.4: the `Sec-WebSocket-Accept` value for `key`.
    public var acceptValue: String
    /// §4.2.2 step 5.5: the first subprotocol, in the client's order, that the server supports;
    /// nil if the client offered none or none is supported (the handshake still succeeds).
    public var subprotocol: String?
    /// §4.2.1 item 8: every subprotocol the client offered, in its order of preference (a
    /// gateway forwards them to its upstream and answers with the one the upstream chose).
    public var offeredSubprotocols: [String]
    /// §4.2.1 item 9: every `Sec-WebSocket-Extensions` field value, as sent, one per field line;
    /// negotiating them (e.g. RFC 7692) is up to the caller.
    public var extensionOffers: [String]
    /// §4.2.1 item 7 and §10.2: the `Origin` field, for the caller's policy; nil if absent.
    public var origin: String?

    public init(key: String, subprotocol: String? = nil, offeredSubprotocols: [String] = [],
                extensionOffers: [String] = [], origin: String? = nil) {
        self.key = key
        self.acceptValue = SecWebSocketAccept.value(forKey: key)
        self.subprotocol = subprotocol
        self.offeredSubprotocols = offeredSubprotocols
        self.extensionOffers = extensionOffers
        self.origin = origin
    }
}

/// The server side of the RFC 6455 §4 opening handshake: validate a parsed request head, then
/// answer with `response(for:extensions:)` or, on failure, with `HandshakeError.response()`.
///
/// Not done here: Origin policy (§10.2), authentication, the resource name (§4.2.1 item 1),
/// and extension negotiation — the caller decides those between `validate` and `response`.
public enum ServerHandshake {
    /// Checks the client's opening handshake, RFC 6455 §4.2.1, in the order of that section.
    /// `supported` lists the subprotocols this endpoint speaks, compared case-sensitively.
    public static func validate(
        _ head: HTTPRequestHead, subprotocols supported: [String]
    ) -> Result<WebSocketUpgrade, HandshakeError> {
        let headers = head.headers
        // §4.2.1 item 1: "An HTTP/1.1 or higher GET request". A wrong method is answered with
        // 405 and `Allow: GET` (RFC 9110 §15.5.6) rather than 400, to tell the client why.
        guard head.method == "GET" else { return .failure(.methodNotAllowed(head.method)) }
        guard head.version >= .http1_1 else { return .failure(.httpVersionTooLow(head.version)) }
        // §4.2.1 item 2: "A |Host| header field containing the server's authority."
        // (HTTPRequestParser already guarantees exactly one; this guards hand-built heads.)
        guard headers.count(of: "Host") == 1 else { return .failure(.missingHost) }
        // §4.2.1 item 3: "An |Upgrade| header field containing the value "websocket", treated
        // as an ASCII case-insensitive value."
        guard headers.contains(token: "websocket", in: "Upgrade") else {
            return .failure(.missingUpgradeWebSocket)
        }
        // §4.2.1 item 4: "A |Connection| header field that includes the token "Upgrade",
        // treated as an ASCII case-insensitive value."
        guard headers.contains(token: "upgrade", in: "Connection") else {
            return .failure(.missingConnectionUpgrade)
        }
        // §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value that,
        // when decoded, is 16 bytes in length." §11.3.1: it MUST NOT appear more than once.
        let keys = headers.values(for: "Sec-WebSocket-Key")
        guard let key = keys.first else { return .failure(.missingKey) }
        guard keys.count == 1 else { return .failure(.duplicateKey) }
        guard Self.isValidKey(key) else { return .failure(.invalidKey) }
        // §4.2.1 item 6: "A |Sec-WebSocket-Version| header field, with a value of 13."
        // §4.4: otherwise 426 with the versions we support (see HandshakeError.response()).
        let versions = headers.values(for: "Sec-WebSocket-Version")
        guard versions == ["13"] else { return .failure(.unsupportedVersion(versions.first)) }
        // Not in §4.2.1, but after a 101 any body bytes would be read as frames (RFC 9112 §6.3).
        switch head.bodyFraming {
        case .none, .contentLength(0): break
        default: return .failure(.unexpectedBody)
        }
        // §4.2.1 item 8 and §4.2.2 step 5.5: pick one subprotocol the client offered, by the
        // client's order of preference, or none.
        let offered = headers.listElements(for: "Sec-WebSocket-Protocol", lowercased: false)
        let subprotocol = offered.first { supported.contains($0) }
        // §4.2.1 items 7 and 9: Origin and the extension offers are handed to the caller.
        return .success(WebSocketUpgrade(
            key: key,
            subprotocol: subprotocol,
            offeredSubprotocols: offered,
            extensionOffers: headers.values(for: "Sec-WebSocket-Extensions"),
            origin: headers["Origin"]))
    }

    /// The 101 Switching Protocols response, RFC 6455 §4.2.2 step 5: `Upgrade: websocket`,
    /// `Connection: Upgrade`, `Sec-WebSocket-Accept`, then `Sec-WebSocket-Protocol` if one was
    /// chosen, `Sec-WebSocket-Extensions` if `extensions` is given (the caller's negotiated
    /// reply), and `extraHeaders` (not validated; keep untrusted input out of them).
    public static func response(
        for upgrade: WebSocketUpgrade, extensions: String?, extraHeaders: [(String, String)] = []
    ) -> [UInt8] {
        var headers = HTTPHeaders()
        headers.add(name: "Upgrade", value: "websocket")
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Sec-WebSocket-Accept", value: upgrade.acceptValue)
        if let subprotocol = upgrade.subprotocol { headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol) }
        if let extensions { headers.add(name: "Sec-WebSocket-Extensions", value: extensions) }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        HTTPResponseHead(status: 101, headers: headers).encode(into: &bytes)
        return bytes
    }

    /// RFC 6455 §4.1 item 7 and §4.2.1 item 5: whether `key` is the canonical base64 of exactly
    /// 16 bytes (24 characters ending in `==`, the pad bits zero). Whitespace, the URL alphabet
    /// and any other length are refused.
    static func isValidKey(_ key: String) -> Bool {
        Base64.decode(key, alphabet: .standard, padding: .required)?.count == 16
    }
}
