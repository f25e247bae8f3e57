// fuzz-options: -max_len=20000
import FuzzSupport
import HTTP1
import WSFraming

/// The HTTP/1.1 request head parser (RFC 9112) and the server's opening handshake (RFC 6455
/// §4.2), on what a client sends. Input: a limits byte (`HTTPLimits.fuzzed`), two bytes of cut
/// point, a stride byte, then the request bytes (several heads may follow each other).
///
/// Properties:
/// - the heads found and the error (or none) are the same whether the bytes arrive whole, cut
///   at one point, or in pieces of 1–16 bytes;
/// - each head's path and query put back together are its target, and the head written out
///   (`encode`) parses back to the same head;
/// - every error answer (`HTTPError.response()`, `HandshakeError.response()`) is a complete
///   response Callgate's own parser reads, with the error's status and an exact Content-Length;
/// - for an upgrade the server accepts: the 101 it writes (with the permessage-deflate answer
///   to the request's offers) is accepted by Callgate's client handshake for the same key,
///   subprotocols and offer, with the subprotocol and extensions the server chose.
@main enum HTTPRequestFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let limits = HTTPLimits.fuzzed(&input)
        let cut = Int(input.uint16())
        let stride = input.int(in: 1...16)
        let bytes = input.remaining()

        let feeds = Pieces.splits(count: bytes.count, cut: cut, stride: stride).map { cuts in
            HTTPHeadFeed(HTTPRequestParser(limits: limits), pieces: Pieces.cut(bytes, at: cuts))
        }
        for (index, feed) in feeds.enumerated().dropFirst() {
            require(feed == feeds[0], "split \(index) gave \(describe(feed)), whole gave \(describe(feeds[0]))")
        }
        let feed = feeds[0]
        for (head, _) in feed.heads {
            checkHead(head, limits: limits)
        }
        if case .failed(let error) = feed.end {
            requireCompleteResponse(error.response(), status: error.status, "the \(error) answer")
        }
    }

    static func describe(_ feed: HTTPHeadFeed<HTTPRequestHead>) -> String {
        "\(feed.heads.count) heads \(feed.heads.map(\.length)), then \(feed.end)"
    }

    static func checkHead(_ head: HTTPRequestHead, limits: HTTPLimits) {
        requireEqual(head.path + (head.query.map { "?" + $0 } ?? ""), head.target, "path and query")
        var encoded: [UInt8] = []
        head.encode(into: &encoded)
        var parser = HTTPRequestParser(limits: limits.roomForReencoding)
        let again = Result { () throws(HTTPError) in try parser.parse(encoded) }
        requireEqual(again, .success(head), "the head written out and parsed again")
        requireEqual(parser.headLength, encoded.count, "length of the head written out")

        switch ServerHandshake.validate(head, subprotocols: ["chat", "ucs"]) {
        case .failure(let error):
            requireCompleteResponse(error.response(), status: error.status, "the \(error) answer")
        case .success(let upgrade):
            checkUpgrade(head, upgrade)
        }
    }

    /// What the server answers, the client accepts.
    static func checkUpgrade(_ head: HTTPRequestHead, _ upgrade: WebSocketUpgrade) {
        requireEqual(upgrade.acceptValue, SecWebSocketAccept.value(forKey: upgrade.key), "accept value")
        let options = PerMessageDeflateOptions(serverMaxWindowBits: 12, clientNoContextTakeover: true)
        let negotiated = PerMessageDeflateNegotiation.accept(offers: upgrade.extensionOffers, options: options)
        let response = ServerHandshake.response(for: upgrade, extensions: negotiated?.response)
        let parsed = requireCompleteResponse(response, status: 101, "the 101")

        guard let key = base64Bytes(upgrade.key), key.count == 16 else {
            require(false, "an accepted Sec-WebSocket-Key \(upgrade.key) is not base64 of 16 bytes")
            return
        }
        // RFC 9110 §5.6.1 list elements, as bytes: split on commas, OWS trimmed, empty ones dropped.
        let isOWS: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let offered = head.headers.values(for: "Sec-WebSocket-Protocol")
            .flatMap { Array($0.utf8).split(separator: 0x2C, omittingEmptySubsequences: false) }
            .map { String(decoding: $0.drop(while: isOWS).reversed().drop(while: isOWS).reversed(), as: UTF8.self) }
            .filter { !$0.isEmpty }
        let offer = upgrade.extensionOffers.isEmpty ? nil : upgrade.extensionOffers.joined(separator: ", ")
        let client = ClientHandshake(host: "h", target: "/", key: key, subprotocols: offered, extensionOffer: offer)
        requireEqual(client.key, upgrade.key, "the key written back")
        do {
            let chosen = try client.validate(parsed)
            requireEqual(chosen.subprotocol, upgrade.subprotocol, "subprotocol")
            requireEqual(chosen.extensions, negotiated.map { [$0.response] } ?? [], "extensions")
        } catch {
            require(false, "the client refuses the server's 101: \(error)")
        }
    }
}
