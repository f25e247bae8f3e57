import Foundation
import Testing
import WSFraming
@testable import Gateway
@testable import Routes
@testable import AuthSchemes
@testable import ClickToCall

/// A route's upgrade decision, without a socket (docs/config.md `routes`): the accepted upgrade
/// per kind of route (the agent hub's embedded `/ws`, a gated side channel, a pipe connected
/// upstream first, a `sip` route), and each refusal with its HTTP status, in the order a client
/// can act on them.
@Suite struct RouteUpgradeEndpointTests {
    private typealias T = EndpointTestSupport

    private func respond(_ context: ServerContext, _ request: EndpointRequest) throws -> EndpointAction {
        let route = try #require(context.config.routes.route(forPath: request.head.path))
        return RouteUpgradeEndpoint(context: context, request: request, route: route).respond()
    }

    /// The accepted route session, or a recorded issue.
    private func session(_ action: EndpointAction) throws -> (AcceptedUpgrade, Route, SessionRequest, Identity?) {
        let accepted = try #require(action.accepted, "expected an upgrade, got status \(action.status ?? 0)")
        guard case .route(let route, let request, let identity) = accepted.application else {
            Issue.record("a route's application is its session")
            throw CancellationError()
        }
        return (accepted, route, request, identity)
    }

    /// A gateway whose directory has alice (SIP identity 2001) and bob (none), a `sip` route and
    /// a pipe `chat` route to nothing that listens (no connection is made here).
    private func sipContext() throws -> ServerContext {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-directory-\(UUID().uuidString).json")
        try Data(#"{"users":[{"username":"alice","id":1,"sip":"sip:2001@pbx.example"},{"username":"bob","id":2}]}"#.utf8)
            .write(to: directory)
        return try T.context(#"""
            {"agents":{"directory":"\#(directory.path)"},
             "routes":{"sip":{"backend":"ws://127.0.0.1:9/","mode":"sip","origins":"*"},
                       "chat":{"backend":"ws://127.0.0.1:9/","auth":"none","origins":"*","messageBytes":4096}}}
            """#)
    }

    private func token(_ context: ServerContext, _ user: String) -> String {
        context.authenticator.issueSessionToken(user: user, provider: "test").token
    }

    @Test func theAgentHubRouteIsAcceptedWithoutACredential() throws {
        let context = try T.context()
        let (accepted, route, request, identity) = try session(respond(context, T.upgrade("/ws?lang=en")))
        #expect(route.channel == "ws" && identity == nil && !accepted.upstreamFirst)
        #expect(request.path == "/ws" && request.query == "lang=en" && request.address == "192.0.2.7")
        #expect(accepted.limits == context.webSocketLimits)
        #expect(accepted.responseText.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        #expect(accepted.responseText.contains("Sec-WebSocket-Accept: \(T.acceptValue)"))
        let application = accepted.makeApplication(context: context, loop: EventLoop(index: -22))
        #expect((application as? RouteSession)?.route.channel == "ws")
    }

    @Test func aCredentialAtTheUpgradeIsCheckedBeforeThe101() throws {
        let context = try T.context()
        let good = T.upgrade("/report?access_token=\(token(context, "alice"))&from=crm")
        let (_, _, request, identity) = try session(respond(context, good))
        #expect(identity?.user == "alice")
        #expect(request.query == "from=crm") // the credential is not passed on
        let forged = try #require(respond(context, T.upgrade("/report?access_token=v1.forged.token")).answer)
        #expect(forged.status == 401 && forged.header("WWW-Authenticate") == #"Bearer realm="callgate""#)
        // Without one, a gated channel is answered 101 and waits for a first-message credential.
        #expect(try session(respond(context, T.upgrade("/report"))).3 == nil)
    }

    @Test func refusalsComeInTheOrderAClientCanActOnThem() throws {
        let context = try T.context()
        // A channel without a back end: 503, before the handshake is looked at.
        let none = try #require(respond(context, T.request("GET", "/recording")).answer)
        #expect(none.status == 503 && none.text.contains("recording"))
        // The handshake's own refusals.
        #expect(try respond(context, T.upgrade("/ws", replacing: "Sec-WebSocket-Version", with: "12")).status == 426)
        #expect(try respond(context, T.request("POST", "/ws")).status == 405)
        // RFC 6455 §10.2: another site's page (same-origin is the default), before the credential.
        let crossSite = T.upgrade("/report?access_token=v1.forged.token", headers: [("Origin", "https://evil.example")])
        #expect(try respond(context, crossSite).status == 403)
        #expect(try respond(context, T.upgrade("/ws", headers: [("Origin", "http://gateway.example")])).accepted != nil)
        // A draining gateway refuses every upgrade first.
        context.draining.store(true, ordering: .relaxed)
        let draining = try #require(respond(context, T.request("GET", "/recording")).answer)
        #expect(draining.status == 503 && draining.header("Retry-After") == "1")
    }

    @Test func aPipeWithoutAGateConnectsItsUpstreamFirst() throws {
        let context = try sipContext()
        let offer = T.upgrade("/chat", headers: [("Sec-WebSocket-Protocol", "b, a")])
        let (accepted, route, request, _) = try session(respond(context, offer))
        #expect(route.channel == "chat" && accepted.upstreamFirst)
        #expect(request.upstreamSubprotocols == ["b", "a"]) // every offer, the upstream chooses
        // The route's messageBytes bounds the WebSocket phase.
        #expect(accepted.limits?.maxMessageSize == 4096 && (accepted.limits?.maxFramePayload ?? .max) <= 4096)
        // The upstream's failure before the 101, as the browser gets it.
        #expect(AcceptedUpgrade.refusal(.refused("403"), route: route).status == 502)
        let unreachable = AcceptedUpgrade.refusal(.unreachable("ECONNREFUSED"), route: route)
        #expect(unreachable.status == 503 && unreachable.header("Retry-After") == String(route.limits.retryAfterSeconds))
        #expect(AcceptedUpgrade.refusal(.timedOut, route: route).status == 504)
    }

    @Test func aSIPRouteNeedsASessionAndASIPIdentity() throws {
        let context = try sipContext()
        let anonymous = try #require(respond(context, T.upgrade("/sip")).answer)
        #expect(anonymous.status == 401 && anonymous.header("WWW-Authenticate") != nil)
        let bob = try #require(respond(context, T.upgrade("/sip?access_token=\(token(context, "bob"))")).answer)
        #expect(bob.status == 403 && bob.text.contains("bob"))
        let alice = T.upgrade("/sip?access_token=\(token(context, "alice"))", headers: [("Sec-WebSocket-Protocol", "sip")])
        let (accepted, route, request, identity) = try session(respond(context, alice))
        #expect(route.mode == .sip && identity?.user == "alice" && accepted.upstreamFirst)
        #expect(request.upstreamSubprotocols == ["sip"] && request.popup == nil)
    }

    @Test func aClickToCallLinkHeldByAnotherWindowIs409() throws {
        let context = try sipContext()
        let now = Int64(Date().timeIntervalSince1970)
        let number = try context.numbering.classify("+420602123456").get()
        let claims = PopupSIPSession(number: number, link: "9c1f0e2d3b4a59687766554433221100").claims(user: "alice", issued: now, expires: now + 600)
        let popupToken = context.authenticator.sessions.issue(claims)
        let request = T.upgrade("/sip?access_token=\(popupToken)")
        // The first window takes the link; the second waits until the first lets go.
        let first = try session(respond(context, request))
        #expect(first.2.popup?.lease != nil)
        let second = try #require(respond(context, request).answer)
        #expect(second.status == 409)
        first.2.popup?.lease?.release()
        #expect(try respond(context, request).accepted != nil)
    }
}
