import HTTP1

/// The client side of the RFC 6455 §4 opening handshake: send `request`, parse the reply with
/// `HTTPResponseParser`, then `validate` it. Frames start at the parser's `headLength`.
///
/// Pure: the 16-byte nonce for `Sec-WebSocket-Key` comes from the caller (RFC 6455 §4.1: "MUST
/// be selected randomly for each connection"), e.g. from `RAND_bytes`.
public struct ClientHandshake: Sendable {
    public let host: String
    public let target: String
    /// §4.1 item 7: the base64 of the caller's 16 random bytes.
    public let key: String
    /// §4.1: the `Sec-WebSocket-Accept` the server must send back for `key`.
    public let expectedAccept: String
    /// §4.1 item 10: offered subprotocols, most preferred first.
    public let subprotocols: [String]
    /// §4.1 item 11: the `Sec-WebSocket-Extensions` offer, e.g. `permessage-deflate`.
    public let extensionOffer: String?
    public let extraHeaders: [(String, String)]

    /// `key` must be exactly 16 bytes. `host`, `target`, `subprotocols`, `extensionOffer` and
    /// `extraHeaders` are written as given (not validated): keep CR, LF and other controls out,
    /// and do not repeat the fields this type writes.
    public init(
        host: String, target: String, key: [UInt8], subprotocols: [String], extensionOffer: String?,
        extraHeaders: [(String, String)] = []
    ) {
        precondition(key.count == 16, "RFC 6455 §4.1: the Sec-WebSocket-Key nonce is 16 bytes")
        self.host = host
        self.target = target
        self.key = Base64.encode(key, alphabet: .standard, padded: true)
        self.expectedAccept = SecWebSocketAccept.value(forKey: self.key)
        self.subprotocols = subprotocols
        self.extensionOffer = extensionOffer
        self.extraHeaders = extraHeaders
    }

    /// The opening handshake request, RFC 6455 §4.1 items 1–12: `GET target HTTP/1.1`, `Host`,
    /// `Upgrade: websocket`, `Connection: Upgrade`, `Sec-WebSocket-Key`,
    /// `Sec-WebSocket-Version: 13`, then `Sec-WebSocket-Protocol` and `Sec-WebSocket-Extensions`
    /// when there is something to offer, then `extraHeaders` (e.g. `Origin`, `Authorization`).
    public var request: [UInt8] {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Upgrade", value: "websocket")
        headers.add(name: "Connection", value: "Upgrade")
        headers.add(name: "Sec-WebSocket-Key", value: key)
        headers.add(name: "Sec-WebSocket-Version", value: "13")
        if !subprotocols.isEmpty {
            headers.add(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", "))
        }
        if let extensionOffer { headers.add(name: "Sec-WebSocket-Extensions", value: extensionOffer) }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        HTTPRequestHead(method: "GET", target: target, headers: headers).encode(into: &bytes)
        return bytes
    }

    /// Checks the server's reply, RFC 6455 §4.1 ("the client MUST validate the server's
    /// response as follows"). Returns the chosen subprotocol (nil if the server chose none) and
    /// every `Sec-WebSocket-Extensions` field value, for the caller to check against its offer.
    public func validate(
        _ response: HTTPResponseHead
    ) throws(HandshakeError) -> (subprotocol: String?, extensions: [String]) {
        let headers = response.headers
        // §4.1 item 1: "If the status code received from the server is not 101, the client
        // handles the response per HTTP [RFC2616] procedures" — here, reported to the caller.
        guard response.status == 101 else { throw .unexpectedStatus(response.status) }
        // §4.1 item 2: |Upgrade| must be an ASCII case-insensitive match for "websocket".
        guard headers.tokens(for: "Upgrade") == ["websocket"] else { throw .responseMissingUpgradeWebSocket }
        // §4.1 item 3: |Connection| must contain the token "Upgrade", case-insensitively.
        guard headers.contains(token: "upgrade", in: "Connection") else { throw .responseMissingConnectionUpgrade }
        // §4.1 item 4: |Sec-WebSocket-Accept| must be base64(SHA-1(key + GUID)), ignoring
        // surrounding whitespace (which the parser has already trimmed).
        guard headers.values(for: "Sec-WebSocket-Accept") == [expectedAccept] else { throw .invalidAccept }
        // §4.1 item 5: extensions not present in our handshake fail the connection; with no
        // offer, any extension is one we did not offer. The details are the caller's to check.
        let extensions = headers.values(for: "Sec-WebSocket-Extensions").filter { !$0.isEmpty }
        if extensionOffer == nil, !extensions.isEmpty { throw .unexpectedExtensions }
        // §4.1 item 6: a subprotocol not present in our handshake fails the connection; §4.2.2
        // step 5.5: the server selects one value, so a list is not a valid selection either.
        let chosen = headers.values(for: "Sec-WebSocket-Protocol")
        guard let subprotocol = chosen.first else { return (nil, extensions) }
        guard chosen.count == 1, subprotocols.contains(subprotocol) else {
            throw .unexpectedSubprotocol(chosen.joined(separator: ", "))
        }
        return (subprotocol, extensions)
    }
}
