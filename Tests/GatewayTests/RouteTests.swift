import Foundation
import Glibc
import Testing
import TLSBridge
@testable import Gateway
@testable import Routes
@testable import WSFraming

/// Routing through real gateways on loopback: the upstream is a second Callgate serving its
/// echo path (the Python `websockets` upstreams are in Tests/interop/test_routes.py).
@Suite(.serialized) struct RouteTests {
    /// A front gateway whose `report` channel is piped to `upstream`'s `/echo`.
    private func front(
        backend: String, auth: Route.Authentication = .none, origins: OriginPolicy = .any, deflate: Bool = true,
        configure: (inout Route) -> Void = { _ in }
    ) throws -> RunningGateway {
        try RunningGateway(echo: []) { config in
            if !deflate { config.permessageDeflate = nil }
            var route = config.routes.route(forChannel: "report")!
            route.backend = .upstream(backend)
            route.authentication = auth
            route.origins = origins
            configure(&route)
            config.routes.set(route)
        }
    }

    private func closesReceived(_ gateway: RunningGateway, _ code: UInt16) -> Int {
        gateway.metric("callgate_websocket_closes_received_total{code=\"\(code)\"}")
    }

    @Test func pipeRelaysBothWaysAndCarriesTheCloseCode() throws {
        let upstream = try RunningGateway()
        defer { upstream.stop() }
        let gateway = try front(backend: "ws://127.0.0.1:\(upstream.port)/echo")
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        #expect(peer.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        for index in 0..<50 {
            peer.sendFrame(.text, Array("message \(index)".utf8))
        }
        for index in 0..<50 {
            let frame = try #require(peer.readFrame())
            #expect(frame.opcode == .text && frame.payload == Array("message \(index)".utf8))
        }
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        peer.sendFrame(.binary, big)
        let echoed = try #require(peer.readFrame())
        #expect(echoed.opcode == .binary && echoed.payload == big)
        // The browser's close code reaches the upstream as it was.
        peer.sendFrame(.close, [0x10, 0x04] + Array("bye".utf8)) // 4100
        #expect(peer.readCloseCode() == 4100)
        #expect(gateway.eventually { closesReceived(upstream, 4100) == 1 })
    }

    /// The pipe's fast path (docs/architecture.md §3.3) beside the ordinary path: whole frames
    /// of every length encoding sent in one write, a fragmented message with a ping between its
    /// fragments (answered by the gateway, not relayed), and invalid UTF-8 in a whole text frame,
    /// which still closes the browser with 1007 (RFC 6455 §8.1). The front offers no
    /// permessage-deflate to its upstream: with it negotiated, nothing passes through as it is.
    @Test func pipeFastPathKeepsTheOrdinaryPathsRules() throws {
        let upstream = try RunningGateway()
        defer { upstream.stop() }
        let gateway = try front(backend: "ws://127.0.0.1:\(upstream.port)/echo", deflate: false)
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        #expect(peer.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        let sizes = [0, 1, 7, 125, 126, 65_535, 65_536, 100_003]
        let payloads = sizes.map { size in (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ size) } }
        var batch: [UInt8] = []
        for (index, payload) in payloads.enumerated() {
            payload.withUnsafeBytes {
                FrameEncoder.encode(opcode: .binary, payload: $0, maskKey: Masking.key(UInt8(index), 0xA5, 0x5A, 0xFF), into: &batch)
            }
        }
        peer.send(batch)
        for payload in payloads {
            let frame = try #require(peer.readFrame())
            #expect(frame.opcode == .binary && frame.payload == payload)
        }
        peer.sendFrame(.text, Array("Hel".utf8), fin: false)
        peer.sendFrame(.ping, Array("p".utf8))
        peer.sendFrame(.continuation, Array("lo".utf8))
        let pong = try #require(peer.readFrame())
        #expect(pong.opcode == .pong && pong.payload == Array("p".utf8))
        let hello = try #require(peer.readFrame())
        #expect(hello.opcode == .text && hello.payload == Array("Hello".utf8))
        peer.sendFrame(.text, [0xCE, 0xBA, 0x80])   // "κ" and a lone continuation byte
        #expect(peer.readCloseCode() == 1007)
    }

    @Test func upstreamGoingAwayBecomes1012AndUnreachableIs503BeforeThe101() throws {
        let upstream = try RunningGateway()
        let gateway = try front(backend: "ws://127.0.0.1:\(upstream.port)/echo")
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        #expect(peer.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        peer.sendFrame(.text, Array("ping".utf8))
        #expect(peer.readFrame()?.payload == Array("ping".utf8))
        upstream.stop() // sends 1001 going away: the browser is told to reconnect (1012)
        #expect(peer.readCloseCode() == 1012)

        let port = upstream.port // nothing listens there any more
        let unreachable = try front(backend: "ws://127.0.0.1:\(port)/echo")
        defer { unreachable.stop() }
        let second = try TestPeer(port: unreachable.port)
        // Upstream first: no 101 for a back end that is not there, but 503 with Retry-After.
        let head = try #require(second.upgrade(path: "/report"))
        #expect(head.hasPrefix("HTTP/1.1 503"))
        #expect(head.contains("Retry-After: 5\r\n"))
        #expect(second.isClosedByServer())
        #expect(unreachable.eventually {
            unreachable.metric("callgate_route_events_total{channel=\"report\",event=\"upstream_unreachable\"}") == 1
        })
    }

    /// Regression: a browser that closes while its upstream is still connecting used to free the
    /// upstream connection while its connect-completion event was in the same epoll batch.
    @Test func browsersThatLeaveWhileTheUpstreamConnectsCrashNothing() throws {
        let upstream = try RunningGateway()
        defer { upstream.stop() }
        let gateway = try front(backend: "ws://127.0.0.1:\(upstream.port)/echo")
        defer { gateway.stop() }
        var close: [UInt8] = []
        [0x03, 0xE8].withUnsafeBytes { FrameEncoder.encode(opcode: .close, payload: $0, maskKey: 1, into: &close) }
        for _ in 0..<300 {
            let peer = try TestPeer(port: gateway.port)
            peer.send(Array(("GET /report HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8) + close)
        }
        let survivor = try TestPeer(port: gateway.port)
        #expect(survivor.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        survivor.sendFrame(.text, Array("still here".utf8))
        #expect(survivor.readFrame()?.payload == Array("still here".utf8))
    }

    /// A wss upstream, its generated certificate trusted through the route's `tls.caFile`.
    @Test func pipeToATLSUpstreamVerifiesItsCertificate() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-route-tls-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let upstream = try RunningGateway {
            $0.listen = []
            $0.tls.listen = ["127.0.0.1:0"]
            $0.stateDirectory = state
        }
        defer { upstream.stop() }
        let port = upstream.server.boundTLSAddresses[0].port
        let gateway = try RunningGateway(echo: []) { config in
            var route = config.routes.route(forChannel: "template")!
            route.backend = .upstream("wss://127.0.0.1:\(port)/echo")
            route.authentication = .none
            route.origins = .any
            config.routes.set(route)
            config.upstreamTLS["template"] = TLSClientConfiguration(trustRoots: .file(state + "/selfsigned-cert.pem"))
        }
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        #expect(peer.upgrade(path: "/template")?.hasPrefix("HTTP/1.1 101") == true)
        peer.sendFrame(.text, Array("über TLS".utf8))
        #expect(peer.readFrame()?.payload == Array("über TLS".utf8))
        #expect(upstream.metric(.tlsHandshakes) >= 1 || upstream.eventually { upstream.metric(.tlsHandshakes) >= 1 })
    }

    @Test func httpRefusals() throws {
        let gateway = try RunningGateway(echo: []) { config in
            var route = config.routes.route(forChannel: "recording")!
            route.backend = .embedded("echo")
            route.authentication = .none
            route.origins = .list(["https://crm.example.com"], includingSameOrigin: false)
            config.routes.set(route)
        }
        defer { gateway.stop() }
        let unknown = try TestPeer(port: gateway.port)
        #expect(unknown.upgrade(path: "/nowhere")?.hasPrefix("HTTP/1.1 404") == true)
        // A channel with no back end: 503, naming it.
        let unconfigured = try TestPeer(port: gateway.port)
        unconfigured.send("GET /email HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let response = try #require(unconfigured.readResponse())
        #expect(response.head.hasPrefix("HTTP/1.1 503"))
        #expect(response.body.contains("email"))
        // Cross-site WebSocket hijacking: a foreign Origin gets 403.
        let foreign = try TestPeer(port: gateway.port)
        #expect(foreign.upgrade(path: "/recording", extraHeaders: "Origin: https://evil.example\r\n")?.hasPrefix("HTTP/1.1 403") == true)
        let allowed = try TestPeer(port: gateway.port)
        #expect(allowed.upgrade(path: "/recording", extraHeaders: "Origin: https://crm.example.com\r\n")?.hasPrefix("HTTP/1.1 101") == true)
        allowed.sendFrame(.text, Array("hi".utf8))
        #expect(allowed.readFrame()?.payload == Array("hi".utf8))
    }

    @Test func theGateAdmitsNoByteBeforeAuthentication() throws {
        let upstream = try RunningGateway()
        defer { upstream.stop() }
        let gateway = try front(backend: "ws://127.0.0.1:\(upstream.port)/echo", auth: .required) { route in
            route.limits.authTimeoutMilliseconds = 400
        }
        defer { gateway.stop() }
        // A bad credential at the upgrade: 401 before any WebSocket.
        let forged = try TestPeer(port: gateway.port)
        #expect(forged.upgrade(path: "/report?access_token=v1.forged.token")?.hasPrefix("HTTP/1.1 401") == true)
        // A first message that is not a credential: 4001.
        let junk = try TestPeer(port: gateway.port)
        #expect(junk.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        junk.sendFrame(.text, Array(#"{"method":"dial","number":"+420123456789"}"#.utf8))
        #expect(junk.readCloseCode() == 4001)
        // Silence: 4002 after the deadline.
        let silent = try TestPeer(port: gateway.port)
        #expect(silent.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        #expect(silent.readCloseCode() == 4002)
        // None of it reached the upstream: it never saw a connection.
        #expect(upstream.metric(.upgrades) == 0)

        let token = gateway.server.context.authenticator.issueSessionToken(user: "alice", provider: "CRM").token
        // The token as the first message: an `authenticated` event, then the relay.
        let late = try TestPeer(port: gateway.port)
        #expect(late.upgrade(path: "/report")?.hasPrefix("HTTP/1.1 101") == true)
        late.sendFrame(.text, Array(#"{"type":"auth","token":"\#(token)"}"#.utf8))
        let event = try #require(late.readFrame())
        #expect(String(decoding: event.payload, as: UTF8.self).contains(#""user":"alice""#))
        late.sendFrame(.text, Array("after auth".utf8))
        #expect(late.readFrame()?.payload == Array("after auth".utf8))
        // The token at the upgrade: relayed at once.
        let early = try TestPeer(port: gateway.port)
        #expect(early.upgrade(path: "/report?access_token=\(token)")?.hasPrefix("HTTP/1.1 101") == true)
        early.sendFrame(.text, Array("hello".utf8))
        #expect(early.readFrame()?.payload == Array("hello".utf8))
        #expect(upstream.eventually { upstream.metric(.upgrades) == 2 })
    }

    @Test func configNamesTheBadKey() throws {
        func problem(_ json: String) -> String? {
            var config = GatewayConfig()
            do {
                try config.apply(json: Data(json.utf8))
                config.applyEmbeddedDefaults()
                try config.validate()
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem(#"{"routes":{"report":{"backend":"http://x"}}}"#)?.contains("routes.report.backend") == true)
        #expect(problem(#"{"routes":{"report":{"mode":"fanout"}}}"#)?.contains("routes.report.mode") == true)
        #expect(problem(#"{"routes":{"report":{"path":"/ws"}}}"#)?.contains("routes.report.path") == true)
        #expect(problem(#"{"routes":{"email":{"backend":"embedded"}}}"#)?.contains("no embedded back end") == true)
        #expect(problem(#"{"routes":{"report":{"colour":"red"}}}"#)?.contains("routes.report.colour: unknown key") == true)
        #expect(problem(#"{"routes":{"report":{"origins":["crm.example.com"]}}}"#)?.contains("routes.report.origins") == true)
        #expect(problem(#"{"routes":{"chat":{"backend":"embedded:echo","origins":["self","https://a.example"]}}}"#) == nil)
        // A sip route needs a SIP server upstream and the gate; its subprotocol defaults to sip.
        #expect(problem(#"{"routes":{"sip":{"backend":"embedded:echo","mode":"sip"}}}"#)?.contains("routes.sip.backend") == true)
        #expect(problem(#"{"routes":{"sip":{"backend":"ws://127.0.0.1:5066/","mode":"sip","auth":"none"}}}"#)?.contains("routes.sip.auth") == true)
        #expect(problem(#"{"routes":{"sip":{"backend":"ws://127.0.0.1:5066/","mode":"sip","retryAfterSeconds":-1}}}"#)?
            .contains("routes.sip.retryAfterSeconds") == true)
        #expect(problem(#"{"sip":{"maxMessageBytes":100}}"#)?.contains("sip.maxMessageBytes") == true)
        #expect(problem(#"{"sip":{"maxHeaders":50,"maxHeaderBytes":4096},"routes":{"sip":{"backend":"ws://127.0.0.1:5066/","mode":"sip"}}}"#) == nil)
        var sip = GatewayConfig()
        try sip.apply(json: Data(#"{"routes":{"sip":{"backend":"ws://127.0.0.1:5066/","mode":"sip"},"x":{"backend":"ws://127.0.0.1:1/","mode":"sip","subprotocols":[]}}}"#.utf8))
        #expect(sip.routes.route(forChannel: "sip")?.subprotocols == ["sip"] && sip.routes.route(forChannel: "sip")?.authentication == .required)
        #expect(sip.routes.route(forChannel: "x")?.subprotocols == [])
        // One address, one listener: SO_REUSEPORT would otherwise split clients between them.
        #expect(problem(#"{"listen":["127.0.0.1:8080"],"tls":{"listen":["127.0.0.1:8080"]}}"#)?.contains("tls.listen: 127.0.0.1:8080 is also listen 127.0.0.1:8080") == true)
        #expect(problem(#"{"listen":["127.0.0.1:8080","0.0.0.0:8080"]}"#)?.contains("listen: 0.0.0.0:8080") == true)
        #expect(problem(#"{"listen":["127.0.0.1:8080"],"tls":{"listen":["127.0.0.1:8443"]}}"#) == nil)
        #expect(problem(#"{"listen":["127.0.0.1:0"],"tls":{"listen":["127.0.0.1:0"]}}"#) == nil)
    }
}
