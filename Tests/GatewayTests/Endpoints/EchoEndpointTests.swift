import Testing
@testable import Gateway

/// The echo path's upgrade decision, without a socket: the 101 and its application, and each
/// refusal with its status (RFC 6455 §4.2.1, a draining gateway's 503).
@Suite struct EchoEndpointTests {
    private typealias T = EndpointTestSupport

    private func respond(_ context: ServerContext, _ request: EndpointRequest) -> EndpointAction {
        EchoEndpoint(context: context, request: request).respond()
    }

    @Test func aValidHandshakeIsAcceptedWithThe101() throws {
        let context = try T.context(#"{"echoPaths":["/echo"],"permessageDeflate":null}"#)
        let accepted = try #require(respond(context, T.upgrade("/echo")).accepted)
        guard case .echo = accepted.application else {
            Issue.record("an echo path's application is the echo")
            return
        }
        #expect(!accepted.upstreamFirst && accepted.limits == nil && accepted.deflate == nil)
        let response = accepted.responseText
        #expect(response.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(response.contains("\r\nSec-WebSocket-Accept: \(T.acceptValue)\r\n"))
        #expect(!response.contains("Sec-WebSocket-Extensions"))
        #expect(accepted.makeApplication(context: context, loop: EventLoop(index: -21)) is EchoApplication)
    }

    @Test func permessageDeflateIsAgreedWhenOfferedAndConfigured() throws {
        let context = try T.context(#"{"echoPaths":["/echo"],"permessageDeflate":{"enabled":true}}"#)
        let offer = T.upgrade("/echo", headers: [("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")])
        let accepted = try #require(respond(context, offer).accepted)
        let deflate = try #require(accepted.deflate)
        #expect(deflate.response.hasPrefix("permessage-deflate"))
        #expect(accepted.responseText.contains("\r\nSec-WebSocket-Extensions: \(deflate.response)\r\n"))
        // No offer, no extension.
        #expect(try #require(respond(context, T.upgrade("/echo")).accepted).deflate == nil)
    }

    @Test func eachHandshakeRefusalHasItsStatus() throws {
        let context = try T.context(#"{"echoPaths":["/echo"]}"#)
        #expect(respond(context, T.request("POST", "/echo")).status == 405)
        #expect(respond(context, T.upgrade("/echo", replacing: "Upgrade", with: nil)).status == 400)
        #expect(respond(context, T.upgrade("/echo", replacing: "Connection", with: "keep-alive")).status == 400)
        #expect(respond(context, T.upgrade("/echo", replacing: "Sec-WebSocket-Key", with: nil)).status == 400)
        #expect(respond(context, T.upgrade("/echo", replacing: "Sec-WebSocket-Key", with: "short")).status == 400)
        let version = respond(context, T.upgrade("/echo", replacing: "Sec-WebSocket-Version", with: "8"))
        guard case .refuseHandshake(let error) = version else {
            Issue.record("a wrong version is a refused handshake")
            return
        }
        // RFC 6455 §4.4: 426 naming the version we speak.
        #expect(error.status == 426)
        #expect(String(decoding: error.response(), as: UTF8.self).contains("\r\nSec-WebSocket-Version: 13\r\n"))
    }

    @Test func aDrainingGatewayRefusesWith503() throws {
        let context = try T.context(#"{"echoPaths":["/echo"]}"#)
        context.draining.store(true, ordering: .relaxed)
        let answer = try #require(respond(context, T.upgrade("/echo")).answer)
        #expect(answer.status == 503 && answer.header("Retry-After") == "1" && !answer.keepAlive)
    }
}
