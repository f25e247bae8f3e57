import LoadgenCore
import Testing

@Suite struct ClientHandshakeTests {
    /// RFC 6455 §1.3: the sample nonce and its accept value.
    let rfcNonce: [UInt8] = Array("the sample nonce".utf8)

    private func response(_ accept: String, extra: String = "", status: String = "HTTP/1.1 101 Switching Protocols") -> [UInt8] {
        Array("\(status)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\(extra)\r\n".utf8)
    }

    private func parse(_ handshake: ClientHandshake, _ bytes: [UInt8]) -> ClientHandshake.Response {
        bytes.withUnsafeBytes { handshake.parseResponse($0) }
    }

    @Test func rfcSampleKey() {
        let handshake = ClientHandshake(nonce: self.rfcNonce)
        #expect(handshake.key == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(handshake.expectedAccept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func requestCarriesTheRequiredHeaders() {
        let request = String(decoding: ClientHandshake(nonce: self.rfcNonce).request(host: "127.0.0.1", port: 8080, path: "/echo"), as: UTF8.self)
        #expect(request.hasPrefix("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"))
        #expect(request.contains("\r\nUpgrade: websocket\r\n"))
        #expect(request.contains("\r\nConnection: Upgrade\r\n"))
        #expect(request.contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"))
        #expect(request.contains("\r\nSec-WebSocket-Version: 13\r\n"))
        #expect(request.hasSuffix("\r\n\r\n"))
    }

    @Test func acceptsAValidResponseAtEverySplit() {
        let handshake = ClientHandshake(nonce: self.rfcNonce)
        let bytes = self.response("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") + [0x82, 0x00]
        let headLength = bytes.count - 2
        for split in 0..<headLength {
            #expect(self.parse(handshake, Array(bytes[0..<split])) == .incomplete)
        }
        #expect(self.parse(handshake, bytes) == .accepted(headLength: headLength, deflate: nil))
    }

    @Test func headerNamesAndTokensAreCaseInsensitive() {
        let handshake = ClientHandshake(nonce: self.rfcNonce)
        let bytes = Array("HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\nsec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n".utf8)
        guard case .accepted = self.parse(handshake, bytes) else {
            Issue.record("expected acceptance")
            return
        }
    }

    @Test func rejectsBadResponses() {
        let handshake = ClientHandshake(nonce: self.rfcNonce)
        let good = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        let bad: [[UInt8]] = [
            self.response(good, status: "HTTP/1.1 200 OK"),
            self.response(good, status: "HTTP/1.1 404 Not Found"),
            self.response("AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            self.response(good, extra: "Sec-WebSocket-Extensions: permessage-deflate\r\n"),
            self.response(good, extra: "Sec-WebSocket-Protocol: chat\r\n"),
            Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(good)\r\n\r\n".utf8),
            Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: \(good)\r\n\r\n".utf8),
        ]
        for bytes in bad {
            guard case .rejected = self.parse(handshake, bytes) else {
                Issue.record("accepted: \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
        }
    }

    @Test func offersPermessageDeflateAsChromiumDoes() {
        let request = String(decoding: ClientHandshake(nonce: self.rfcNonce, offersDeflate: true).request(host: "127.0.0.1", port: 80, path: "/ws"), as: UTF8.self)
        #expect(request.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
        #expect(!String(decoding: ClientHandshake(nonce: self.rfcNonce).request(host: "127.0.0.1", port: 80, path: "/ws"), as: UTF8.self).contains("Extensions"))
    }

    @Test func readsTheDeflateAnswer() {
        let handshake = ClientHandshake(nonce: self.rfcNonce, offersDeflate: true)
        let good = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        let accepted = self.response(good, extra: "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=12\r\n")
        #expect(self.parse(handshake, accepted) == .accepted(headLength: accepted.count, deflate: DeflateParameters(clientMaxWindowBits: 12)))
        let declined = self.response(good)
        #expect(self.parse(handshake, declined) == .accepted(headLength: declined.count, deflate: nil))
        // Two headers are one list (RFC 6455 §9.1): two acceptances of one offer fail.
        let twice = self.response(good, extra: "Sec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Extensions: permessage-deflate\r\n")
        for bytes in [twice, self.response(good, extra: "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")] {
            guard case .rejected = self.parse(handshake, bytes) else {
                Issue.record("accepted: \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
        }
    }

    @Test func rejectsAnEndlessHead() {
        let handshake = ClientHandshake(nonce: self.rfcNonce)
        let bytes = Array("HTTP/1.1 101 Switching Protocols\r\n".utf8) + [UInt8](repeating: 0x61, count: ClientHandshake.maxResponseHead)
        guard case .rejected = self.parse(handshake, bytes) else {
            Issue.record("an endless head was not rejected")
            return
        }
    }
}
