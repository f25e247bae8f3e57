// fuzz-options: -max_len=20000
import FuzzSupport
import HTTP1
import WSFraming

/// The HTTP/1.1 response head parser (RFC 9112) and the client's opening handshake (RFC 6455
/// §4.1), on what an upstream server sends: the gateway's client role (piped and multiplexed
/// upstreams) and its Action URL client. Input: a limits byte (`HTTPLimits.fuzzed`), two bytes
/// of cut point, a stride byte, the client's permessage-deflate options (two bytes; bit 2 of
/// the first: no offer at all), then the server's bytes. The client's key is RFC 6455 §1.3's
/// ("the sample nonce"), its subprotocols `chat` and `superchat`.
///
/// Properties:
/// - the heads found and the error are the same whether the bytes arrive whole, cut at one
///   point, or in pieces of 1–16 bytes;
/// - a head written out (`encode`) parses back to the same head;
/// - a 101 the client handshake accepts has the accept value for the key, a subprotocol that
///   was offered, and extensions only if offered; a permessage-deflate answer the client accepts
///   honours its options; a refusal answers 502 as a complete response.
@main enum HTTPResponseFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let limits = HTTPLimits.fuzzed(&input)
        let cut = Int(input.uint16())
        let stride = input.int(in: 1...16)
        let offersDeflate = input.rest.first.map { $0 & 4 == 0 } ?? true
        let options = PerMessageDeflateOptions.fuzzed(&input)
        let bytes = input.remaining()

        let feeds = Pieces.splits(count: bytes.count, cut: cut, stride: stride).map { cuts in
            HTTPHeadFeed(HTTPResponseParser(limits: limits), pieces: Pieces.cut(bytes, at: cuts), maxHeads: 4)
        }
        for (index, feed) in feeds.enumerated().dropFirst() {
            require(feed == feeds[0], "split \(index) differs from whole: \(feed.end) against \(feeds[0].end)")
        }
        for (head, _) in feeds[0].heads {
            var encoded: [UInt8] = []
            head.encode(into: &encoded)
            var parser = HTTPResponseParser(limits: limits.roomForReencoding)
            let again = Result { () throws(HTTPError) in try parser.parse(encoded) }
            requireEqual(again, .success(head), "the head written out and parsed again")
        }
        if let (head, _) = feeds[0].heads.first {
            checkHandshake(head, offer: offersDeflate ? PerMessageDeflateNegotiation.offer(options: options) : nil, options)
        }
    }

    static func checkHandshake(_ head: HTTPResponseHead, offer: String?, _ options: PerMessageDeflateOptions) {
        let client = ClientHandshake(host: "server.example.com", target: "/chat", key: Array("the sample nonce".utf8),
                                     subprotocols: ["chat", "superchat"], extensionOffer: offer)
        let chosen: (subprotocol: String?, extensions: [String])
        do {
            chosen = try client.validate(head)
        } catch {
            requireCompleteResponse(error.response(), status: 502, "the \(error) answer")
            return
        }
        requireEqual(head.status, 101, "status of an accepted handshake")
        requireEqual(head.headers.values(for: "Sec-WebSocket-Accept"), ["s3pPLMBiTxaQ9kYGzzhZRbK+xOo="], "accept")
        require(chosen.subprotocol.map(client.subprotocols.contains) ?? true, "subprotocol \(String(describing: chosen.subprotocol))")
        require(offer != nil || chosen.extensions.isEmpty, "extensions \(chosen.extensions) without an offer")
        let result = Result { () throws(PerMessageDeflateNegotiationError) in
            try PerMessageDeflateNegotiation.validate(response: chosen.extensions, options: options)
        }
        if case .success(let parameters?) = result {
            options.requireHonouredByClient(parameters, "extensions \(chosen.extensions)")
        }
    }
}
