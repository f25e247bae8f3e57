import Testing
import CallControlMessages
@testable import Gateway

/// `callgate switchboard`'s HTTP side, without a socket (docs/backend-protocol.md §12): the
/// secret first, then the handshake and the protocol's subprotocol; the probes; 404 elsewhere.
@Suite struct CallControlServiceEndpointTests {
    private typealias T = EndpointTestSupport
    private let secret = "a-switchboard-secret-0123"

    private func respond(_ context: ServerContext, _ request: EndpointRequest) -> EndpointAction {
        CallControlServiceEndpoint(context: context, request: request, secret: Array(secret.utf8)).respond()
    }

    private func gateway(_ headers: [(String, String)] = [], secret: String? = nil) -> EndpointRequest {
        T.upgrade(CallControlProtocol.path, headers: [("Authorization", "Bearer \(secret ?? self.secret)"),
                                                      ("Sec-WebSocket-Protocol", CallControlProtocol.subprotocol)] + headers)
    }

    @Test func aGatewayWithTheSecretIsAcceptedAndNamedByItsHeaderOrAddress() throws {
        let context = try T.context()
        let named = try #require(respond(context, gateway([(CallControlProtocol.instanceHeader, "gw-1")])).accepted)
        guard case .callControl(let instance, let address) = named.application else {
            Issue.record("the service's application is a call-control peer")
            return
        }
        #expect(instance == "gw-1" && address == "192.0.2.7")
        #expect(named.responseText.contains("\r\nSec-WebSocket-Protocol: \(CallControlProtocol.subprotocol)\r\n"))
        guard case .callControl(let unnamed, _)? = respond(context, gateway()).accepted?.application else {
            Issue.record("an unnamed gateway is accepted")
            return
        }
        #expect(unnamed == "192.0.2.7")
    }

    @Test func theSecretIsCheckedFirstThenTheHandshakeThenTheSubprotocol() throws {
        let context = try T.context()
        let missing = try #require(respond(context, T.upgrade(CallControlProtocol.path)).answer)
        #expect(missing.status == 401 && missing.header("WWW-Authenticate") == #"Bearer realm="callgate-switchboard""#)
        #expect(respond(context, gateway(secret: "another-secret-of-length")).status == 401)
        // A bad handshake with a wrong secret is still 401: nothing is said before the secret.
        #expect(respond(context, T.request("POST", CallControlProtocol.path)).status == 401)
        let post = T.request("POST", CallControlProtocol.path, headers: [("Authorization", "Bearer \(secret)")])
        #expect(respond(context, post).status == 405)
        let noProtocol = T.upgrade(CallControlProtocol.path, headers: [("Authorization", "Bearer \(secret)")])
        #expect(respond(context, noProtocol).status == 400)
        context.draining.store(true, ordering: .relaxed)
        #expect(respond(context, gateway()).status == 503)
    }

    @Test func probesAnswerAndEverythingElseIs404() throws {
        let context = try T.context()
        #expect(respond(context, T.request("GET", "/healthz")).status == 200)
        #expect(respond(context, T.request("GET", "/metrics")).answer?.header("Content-Type") == "text/plain; version=0.0.4")
        #expect(respond(context, T.request("GET", "/ws")).status == 404)
        context.draining.store(true, ordering: .relaxed)
        #expect(respond(context, T.request("GET", "/readyz")).status == 503)
    }
}
