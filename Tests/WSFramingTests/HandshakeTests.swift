import Testing
@testable import HTTP1
@testable import WSFraming

/// A client handshake request expected to be refused, with the error it must produce.
struct RejectedUpgrade: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    let error: HandshakeError
    var testDescription: String { name }
}

/// A server reply the client must refuse.
struct RejectedReply: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    let error: HandshakeError
    var testDescription: String { name }
}

@Suite struct HandshakeTests {
    static let sampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    func requestHead(_ raw: String) throws -> HTTPRequestHead {
        var parser = HTTPRequestParser()
        return try #require(try parser.parse(httpBytes(raw)))
    }

    func responseHead(_ raw: String) throws -> HTTPResponseHead {
        var parser = HTTPResponseParser()
        return try #require(try parser.parse(httpBytes(raw)))
    }

    /// The request of `rfc6455SampleRequest` with one field line replaced (nil removes it).
    static func sample(replacing name: String, with line: String?) -> String {
        var lines = rfc6455SampleRequest.split(separator: "\r\n").map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix(name + ":") }) {
            if let line { lines[index] = line } else { lines.remove(at: index) }
        } else if let line {
            lines.append(line)
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    // MARK: Sec-WebSocket-Accept

    /// RFC 6455 §1.3.
    @Test func acceptValueOfTheRFCSampleKey() {
        #expect(SecWebSocketAccept.value(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == Self.sampleAccept)
        #expect(SecWebSocketAccept.guid == "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
    }

    /// §4.2.1 item 5: the key is the canonical base64 of 16 bytes, nothing else.
    @Test func keyValidation() {
        #expect(ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ=="))
        #expect(ServerHandshake.isValidKey("AAAAAAAAAAAAAAAAAAAAAA=="))
        #expect(ServerHandshake.isValidKey("/////////////////////w=="))
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZR=="), "non-zero padding bits")
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ="))
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ"))
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25j"), "15 bytes")
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ==="))
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZXM="), "17 bytes")
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBs ZSBub25jZQ="))
        #expect(!ServerHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZ-=="))
        #expect(!ServerHandshake.isValidKey("_____________________w=="), "URL alphabet")
        #expect(!ServerHandshake.isValidKey(""))
    }

    // MARK: Server

    /// RFC 6455 §1.2: the sample request is accepted and answered with the sample response.
    @Test func acceptsTheRFCSampleAndAnswersWithTheExact101() throws {
        let head = try requestHead(rfc6455SampleRequest)
        let upgrade = try ServerHandshake.validate(head, subprotocols: ["chat"]).get()
        #expect(upgrade.key == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(upgrade.acceptValue == Self.sampleAccept)
        #expect(upgrade.subprotocol == "chat")
        #expect(upgrade.origin == "http://example.com")
        #expect(upgrade.extensionOffers.isEmpty)
        let response = ServerHandshake.response(for: upgrade, extensions: nil)
        #expect(String(decoding: response, as: UTF8.self) == rfc6455SampleResponse)
    }

    @Test func responseWithExtensionsAndExtraHeaders() throws {
        let upgrade = WebSocketUpgrade(key: "dGhlIHNhbXBsZSBub25jZQ==")
        let response = ServerHandshake.response(
            for: upgrade, extensions: "permessage-deflate; client_max_window_bits=15",
            extraHeaders: [("Server", "callgate")])
        #expect(String(decoding: response, as: UTF8.self) ==
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n" +
            "Server: callgate\r\n" +
            "\r\n")
    }

    /// §4.2.2 step 5.5: the first offered protocol, in the client's order, that we support.
    @Test func subprotocolSelection() throws {
        let head = try requestHead(rfc6455SampleRequest)
        func pick(_ supported: [String]) -> String?? {
            try? ServerHandshake.validate(head, subprotocols: supported).get().subprotocol
        }
        #expect(pick(["superchat", "chat"]) == .some("chat"))
        #expect(pick(["superchat"]) == .some("superchat"))
        #expect(pick(["other"]) == .some(nil))
        #expect(pick([]) == .some(nil))
        #expect(pick(["CHAT"]) == .some(nil), "subprotocol names are compared case-sensitively")
        let none = try requestHead(Self.sample(replacing: "Sec-WebSocket-Protocol", with: nil))
        #expect(try ServerHandshake.validate(none, subprotocols: ["chat"]).get().subprotocol == nil)
        let split = try requestHead(Self.sample(
            replacing: "Sec-WebSocket-Protocol", with: "Sec-WebSocket-Protocol: a,,  b \r\nSec-WebSocket-Protocol: chat"))
        #expect(try ServerHandshake.validate(split, subprotocols: ["chat", "b"]).get().subprotocol == "b")
    }

    /// §4.2.1 item 8: every offer is kept, in the client's order, whatever the server supports
    /// (a gateway forwards them upstream).
    @Test func offeredSubprotocolsAreKeptInOrder() throws {
        let sample = try ServerHandshake.validate(try requestHead(rfc6455SampleRequest), subprotocols: []).get()
        #expect(sample.offeredSubprotocols == ["chat", "superchat"])
        #expect(sample.subprotocol == nil)
        let split = try requestHead(Self.sample(
            replacing: "Sec-WebSocket-Protocol", with: "Sec-WebSocket-Protocol: sip,,  b \r\nSec-WebSocket-Protocol: chat"))
        #expect(try ServerHandshake.validate(split, subprotocols: []).get().offeredSubprotocols == ["sip", "b", "chat"])
        let none = try requestHead(Self.sample(replacing: "Sec-WebSocket-Protocol", with: nil))
        #expect(try ServerHandshake.validate(none, subprotocols: ["chat"]).get().offeredSubprotocols == [])
    }

    @Test func acceptsCaseAndListVariants() throws {
        let raw = "GET /ws?agent=7 HTTP/1.1\r\n" +
            "host: gw\r\n" +
            "upgrade: WebSocket\r\n" +
            "connection: keep-alive, UPGRADE\r\n" +
            "sec-websocket-key:   AAAAAAAAAAAAAAAAAAAAAA==  \r\n" +
            "sec-websocket-version: 13\r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
            "Sec-WebSocket-Extensions: x-other\r\n" +
            "Content-Length: 0\r\n" +
            "\r\n"
        let upgrade = try ServerHandshake.validate(try requestHead(raw), subprotocols: []).get()
        #expect(upgrade.key == "AAAAAAAAAAAAAAAAAAAAAA==")
        #expect(upgrade.extensionOffers == ["permessage-deflate; client_max_window_bits", "x-other"])
        #expect(upgrade.origin == nil)
        #expect(upgrade.subprotocol == nil)
    }

    static let rejectedUpgrades: [RejectedUpgrade] = [
        .init(name: "POST", raw: rfc6455SampleRequest.replacing("GET /chat", with: "POST /chat"),
              error: .methodNotAllowed("POST")),
        .init(name: "lowercase get", raw: rfc6455SampleRequest.replacing("GET /chat", with: "get /chat"),
              error: .methodNotAllowed("get")),
        .init(name: "HTTP/1.0", raw: rfc6455SampleRequest.replacing("HTTP/1.1", with: "HTTP/1.0"),
              error: .httpVersionTooLow(.http1_0)),
        .init(name: "no Upgrade", raw: sample(replacing: "Upgrade", with: nil), error: .missingUpgradeWebSocket),
        .init(name: "Upgrade h2c", raw: sample(replacing: "Upgrade", with: "Upgrade: h2c"), error: .missingUpgradeWebSocket),
        .init(name: "Upgrade websockets", raw: sample(replacing: "Upgrade", with: "Upgrade: websockets"),
              error: .missingUpgradeWebSocket),
        .init(name: "no Connection", raw: sample(replacing: "Connection", with: nil), error: .missingConnectionUpgrade),
        .init(name: "Connection keep-alive", raw: sample(replacing: "Connection", with: "Connection: keep-alive"),
              error: .missingConnectionUpgrade),
        .init(name: "no key", raw: sample(replacing: "Sec-WebSocket-Key", with: nil), error: .missingKey),
        .init(name: "two keys",
              raw: sample(replacing: "Origin", with: "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="), error: .duplicateKey),
        .init(name: "empty key", raw: sample(replacing: "Sec-WebSocket-Key", with: "Sec-WebSocket-Key:"), error: .invalidKey),
        .init(name: "15-byte key", raw: sample(replacing: "Sec-WebSocket-Key", with: "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j"),
              error: .invalidKey),
        .init(name: "17-byte key",
              raw: sample(replacing: "Sec-WebSocket-Key", with: "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZXM="), error: .invalidKey),
        .init(name: "key not base64",
              raw: sample(replacing: "Sec-WebSocket-Key", with: "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j!Q=="), error: .invalidKey),
        .init(name: "key as a list",
              raw: sample(replacing: "Sec-WebSocket-Key", with: "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==, AAAAAAAAAAAAAAAAAAAAAA=="),
              error: .invalidKey),
        .init(name: "version 8", raw: sample(replacing: "Sec-WebSocket-Version", with: "Sec-WebSocket-Version: 8"),
              error: .unsupportedVersion("8")),
        .init(name: "no version", raw: sample(replacing: "Sec-WebSocket-Version", with: nil), error: .unsupportedVersion(nil)),
        .init(name: "version list", raw: sample(replacing: "Sec-WebSocket-Version", with: "Sec-WebSocket-Version: 13, 8"),
              error: .unsupportedVersion("13, 8")),
        .init(name: "two versions",
              raw: sample(replacing: "Origin", with: "Sec-WebSocket-Version: 13"), error: .unsupportedVersion("13")),
        .init(name: "body", raw: sample(replacing: "Origin", with: "Content-Length: 4"), error: .unexpectedBody),
        .init(name: "chunked body", raw: sample(replacing: "Origin", with: "Transfer-Encoding: chunked"), error: .unexpectedBody),
    ]

    @Test(arguments: rejectedUpgrades)
    func rejects(_ vector: RejectedUpgrade) throws {
        let head = try requestHead(vector.raw)
        switch ServerHandshake.validate(head, subprotocols: ["chat"]) {
        case .success: Issue.record("accepted")
        case .failure(let error): #expect(error == vector.error)
        }
    }

    @Test func rejectionStatuses() {
        let statuses = Dictionary(grouping: Self.rejectedUpgrades, by: { $0.error.status }).mapValues { $0.map(\.name) }
        #expect(Set(statuses.keys) == [400, 405, 426])
        #expect(statuses[405] == ["POST", "lowercase get"])
        #expect(statuses[426] == ["version 8", "no version", "version list", "two versions"])
        #expect(HandshakeError.missingHost.status == 400)
        #expect(HandshakeError.invalidAccept.status == 502)
    }

    /// The parser already refuses a missing Host; a hand-built head is still checked.
    @Test func hostIsChecked() {
        var head = HTTPRequestHead(method: "GET", target: "/", headers: [
            "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
        ])
        #expect(throws: HandshakeError.missingHost) { try ServerHandshake.validate(head, subprotocols: []).get() }
        head.headers.add(name: "Host", value: "gw")
        #expect(throws: Never.self) { try ServerHandshake.validate(head, subprotocols: []).get() }
    }

    @Test func errorResponses() {
        func text(_ error: HandshakeError) -> String { String(decoding: error.response(), as: UTF8.self) }
        let body400 = "400 Bad Request: missing Connection: Upgrade\n"
        #expect(text(.missingConnectionUpgrade) ==
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: \(body400.utf8.count)\r\n" +
            "Connection: close\r\n" +
            "\r\n" + body400)
        let body405 = "405 Method Not Allowed: WebSocket upgrade requires GET, not POST\n"
        #expect(text(.methodNotAllowed("POST")) ==
            "HTTP/1.1 405 Method Not Allowed\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: \(body405.utf8.count)\r\n" +
            "Connection: close\r\n" +
            "Allow: GET\r\n" +
            "\r\n" + body405)
        // RFC 6455 §4.4: 426 names the versions we speak.
        let body426 = "426 Upgrade Required: unsupported Sec-WebSocket-Version 8, expected 13\n"
        #expect(text(.unsupportedVersion("8")) ==
            "HTTP/1.1 426 Upgrade Required\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: \(body426.utf8.count)\r\n" +
            "Connection: Upgrade, close\r\n" +
            "Upgrade: websocket\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n" + body426)
    }

    /// Every error response is itself a well-formed response with a body of the stated length.
    @Test func errorResponsesParse() throws {
        let all: [HandshakeError] = [
            .methodNotAllowed("PUT"), .httpVersionTooLow(.http1_0), .missingHost, .missingUpgradeWebSocket,
            .missingConnectionUpgrade, .missingKey, .duplicateKey, .invalidKey, .unsupportedVersion(nil),
            .unsupportedVersion("7"), .unexpectedBody, .unexpectedStatus(404), .responseMissingUpgradeWebSocket,
            .responseMissingConnectionUpgrade, .invalidAccept, .unexpectedSubprotocol("x"), .unexpectedExtensions,
        ]
        for error in all {
            let bytes = error.response()
            var parser = HTTPResponseParser()
            let head = try #require(try parser.parse(bytes))
            #expect(head.status == error.status)
            #expect(!head.keepAlive)
            #expect(head.bodyFraming(requestMethod: "GET") == .contentLength(bytes.count - parser.headLength))
            #expect(bytes.last == 0x0A)
        }
    }

    // MARK: Client

    static let sampleNonce = Array("the sample nonce".utf8)

    @Test func clientRequestBytes() throws {
        let client = ClientHandshake(
            host: "server.example.com", target: "/chat", key: Self.sampleNonce,
            subprotocols: ["chat", "superchat"], extensionOffer: nil, extraHeaders: [("Origin", "http://example.com")])
        #expect(client.key == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(client.expectedAccept == Self.sampleAccept)
        #expect(String(decoding: client.request, as: UTF8.self) ==
            "GET /chat HTTP/1.1\r\n" +
            "Host: server.example.com\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: chat, superchat\r\n" +
            "Origin: http://example.com\r\n" +
            "\r\n")
        let minimal = ClientHandshake(
            host: "h", target: "/", key: [UInt8](repeating: 0, count: 16), subprotocols: [],
            extensionOffer: "permessage-deflate")
        #expect(String(decoding: minimal.request, as: UTF8.self) ==
            "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
    }

    @Test func clientAcceptsTheRFCSampleResponse() throws {
        let client = ClientHandshake(
            host: "server.example.com", target: "/chat", key: Self.sampleNonce,
            subprotocols: ["chat", "superchat"], extensionOffer: nil)
        let result = try client.validate(try responseHead(rfc6455SampleResponse))
        #expect(result.subprotocol == "chat")
        #expect(result.extensions.isEmpty)
    }

    /// Client request → server parse and validate → 101 → client parse and validate.
    @Test func roundTrip() throws {
        let client = ClientHandshake(
            host: "gw.example:8443", target: "/ws?agent=7", key: Array(0..<16), subprotocols: ["v2.ucs", "v1.ucs"],
            extensionOffer: "permessage-deflate; client_max_window_bits")
        let head = try requestHead(String(decoding: client.request, as: UTF8.self))
        #expect(head.path == "/ws" && head.query == "agent=7")
        let upgrade = try ServerHandshake.validate(head, subprotocols: ["v1.ucs", "v2.ucs"]).get()
        #expect(upgrade.subprotocol == "v2.ucs")
        #expect(upgrade.extensionOffers == ["permessage-deflate; client_max_window_bits"])
        let reply = ServerHandshake.response(for: upgrade, extensions: "permessage-deflate")
        let result = try client.validate(try responseHead(String(decoding: reply, as: UTF8.self)))
        #expect(result.subprotocol == "v2.ucs")
        #expect(result.extensions == ["permessage-deflate"])
    }

    static func reply(_ fields: String, status: String = "101 Switching Protocols") -> String {
        "HTTP/1.1 \(status)\r\n" + fields + "\r\n"
    }

    static let good = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(sampleAccept)\r\n"

    static let rejectedReplies: [RejectedReply] = [
        .init(name: "200", raw: reply(good, status: "200 OK"), error: .unexpectedStatus(200)),
        .init(name: "401", raw: reply("WWW-Authenticate: Basic\r\nContent-Length: 0\r\n", status: "401 Unauthorized"),
              error: .unexpectedStatus(401)),
        .init(name: "no Upgrade", raw: reply("Connection: Upgrade\r\nSec-WebSocket-Accept: \(sampleAccept)\r\n"),
              error: .responseMissingUpgradeWebSocket),
        .init(name: "Upgrade list", raw: reply("Upgrade: websocket, h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(sampleAccept)\r\n"),
              error: .responseMissingUpgradeWebSocket),
        .init(name: "no Connection", raw: reply("Upgrade: websocket\r\nSec-WebSocket-Accept: \(sampleAccept)\r\n"),
              error: .responseMissingConnectionUpgrade),
        .init(name: "no accept", raw: reply("Upgrade: websocket\r\nConnection: Upgrade\r\n"), error: .invalidAccept),
        .init(name: "wrong accept",
              raw: reply("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOO=\r\n"),
              error: .invalidAccept),
        .init(name: "two accepts", raw: reply(good + "Sec-WebSocket-Accept: \(sampleAccept)\r\n"), error: .invalidAccept),
        .init(name: "subprotocol not offered", raw: reply(good + "Sec-WebSocket-Protocol: superchat\r\n"),
              error: .unexpectedSubprotocol("superchat")),
        .init(name: "subprotocol case", raw: reply(good + "Sec-WebSocket-Protocol: Chat\r\n"),
              error: .unexpectedSubprotocol("Chat")),
        .init(name: "subprotocol list", raw: reply(good + "Sec-WebSocket-Protocol: chat, chat\r\n"),
              error: .unexpectedSubprotocol("chat, chat")),
        .init(name: "two subprotocols", raw: reply(good + "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n"),
              error: .unexpectedSubprotocol("chat, chat")),
        .init(name: "extensions not offered", raw: reply(good + "Sec-WebSocket-Extensions: permessage-deflate\r\n"),
              error: .unexpectedExtensions),
    ]

    @Test(arguments: rejectedReplies)
    func clientRejects(_ vector: RejectedReply) throws {
        let client = ClientHandshake(
            host: "server.example.com", target: "/chat", key: Self.sampleNonce, subprotocols: ["chat"], extensionOffer: nil)
        let head = try responseHead(vector.raw)
        #expect(throws: vector.error) { try client.validate(head) }
        #expect(vector.error.status == 502)
    }

    @Test func clientAcceptsVariants() throws {
        let client = ClientHandshake(
            host: "h", target: "/", key: Self.sampleNonce, subprotocols: ["chat"], extensionOffer: "permessage-deflate")
        let raw = Self.reply(
            "upgrade: WEBSOCKET\r\nconnection: keep-alive, upgrade\r\nsec-websocket-accept:  \(Self.sampleAccept) \r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n")
        let result = try client.validate(try responseHead(raw))
        #expect(result.subprotocol == nil)
        #expect(result.extensions == ["permessage-deflate; server_no_context_takeover"])
    }
}
