import Foundation
import Glibc
import Testing
@testable import Gateway
@testable import ProxyProtocol

/// The real client address behind a load balancer, on loopback sockets: PROXY headers from a
/// trusted proxy (127.0.0.1 here), refused from anyone else (127.0.0.5), and `X-Forwarded-For`
/// believed only from a trusted proxy. What the gateway took as the client is read from the
/// per-address connection counts and the metrics.
@Suite(.serialized) struct ProxyProtocolTests {
    static func gateway(mode: String = "v2", perAddress: Int = 1_024) throws -> RunningGateway {
        try RunningGateway { config in
            config.proxy.trustedProxies = try! TrustedProxies.parse(["127.0.0.1"]).get()
            config.proxy.protocolModes = ["127.0.0.1:0": ProxyProtocolMode(rawValue: mode)!]
            config.limits.maxConnectionsPerAddress = perAddress
        }
    }

    /// A v2 PROXY header for a TCP/IPv4 client.
    static func v2(from source: [UInt8], port: UInt16 = 40000) -> [UInt8] {
        ProxyHeaderParser.v2Signature + [0x21, 0x11, 0x00, 0x0C] + source + [127, 0, 0, 1, UInt8(port >> 8), UInt8(port & 0xFF), 0x1F, 0x90]
    }

    static let healthz = "GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n"

    static func proxyMetric(_ gateway: RunningGateway, _ outcome: String) -> Int {
        gateway.metric("callgate_proxy_headers_total{outcome=\"\(outcome)\"}")
    }

    @Test func aTrustedProxysV2HeaderNamesTheClient() throws {
        let gateway = try Self.gateway()
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        // Header and request in one write, then a second request on the same connection.
        peer.send(Self.v2(from: [203, 0, 113, 7]) + Array(Self.healthz.utf8))
        #expect(peer.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(gateway.server.context.limiter.count("203.0.113.7") == 1)
        #expect(gateway.server.context.limiter.count("127.0.0.1") == 0)
        peer.send(Self.healthz)
        #expect(peer.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(gateway.eventually { Self.proxyMetric(gateway, "accepted") == 1 })
    }

    @Test func aHeaderInPiecesAndAV1Line() throws {
        let gateway = try Self.gateway(mode: "any")
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        let header = Self.v2(from: [198, 51, 100, 1])
        for byte in header {
            peer.send([byte])
            usleep(1_000)
        }
        peer.send(Self.healthz)
        #expect(peer.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(gateway.server.context.limiter.count("198.51.100.1") == 1)
        let v1 = try TestPeer(port: gateway.port)
        v1.send("PROXY TCP6 2001:db8::7 ::1 40000 8080\r\n" + Self.healthz)
        #expect(v1.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(gateway.server.context.limiter.count("2001:db8::7") == 1)
    }

    @Test func aTrustedProxyWithoutAHeaderOrWithTheWrongVersionIsClosed() throws {
        let gateway = try Self.gateway(mode: "v2")
        defer { gateway.stop() }
        let bare = try TestPeer(port: gateway.port)
        bare.send(Self.healthz)
        #expect(bare.isClosedByServer())
        let v1 = try TestPeer(port: gateway.port)
        v1.send("PROXY TCP4 203.0.113.7 127.0.0.1 40000 8080\r\n" + Self.healthz)
        #expect(v1.isClosedByServer())
        #expect(gateway.eventually { Self.proxyMetric(gateway, "missing") == 1 && Self.proxyMetric(gateway, "version") == 1 })
    }

    @Test func aLocalHeaderKeepsTheProxysAddress() throws {
        let gateway = try Self.gateway()
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        peer.send(ProxyHeaderParser.v2Signature + [0x20, 0x00, 0x00, 0x00] + Array(Self.healthz.utf8))
        #expect(peer.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(gateway.server.context.limiter.count("127.0.0.1") == 1)
    }

    @Test func anUntrustedPeersHeaderIsRefusedAndItsPlainRequestServed() throws {
        let gateway = try Self.gateway()
        defer { gateway.stop() }
        let spoofer = try TestPeer(port: gateway.port, source: "127.0.0.5")
        spoofer.send(Self.v2(from: [203, 0, 113, 7]) + Array(Self.healthz.utf8))
        #expect(spoofer.isClosedByServer())
        #expect(gateway.eventually { Self.proxyMetric(gateway, "untrusted") == 1 })
        let direct = try TestPeer(port: gateway.port, source: "127.0.0.5")
        direct.send(Self.healthz)
        #expect(direct.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(gateway.server.context.limiter.count("127.0.0.5") == 1)
    }

    @Test func thePerAddressCapAppliesToTheClientNotTheProxy() throws {
        let gateway = try Self.gateway(perAddress: 1)
        defer { gateway.stop() }
        // Two clients through one proxy: both admitted although the proxy holds two connections.
        let first = try TestPeer(port: gateway.port)
        first.send(Self.v2(from: [203, 0, 113, 7]) + Array(Self.healthz.utf8))
        #expect(first.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        let second = try TestPeer(port: gateway.port)
        second.send(Self.v2(from: [203, 0, 113, 8]) + Array(Self.healthz.utf8))
        #expect(second.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        // A second connection of the first client is over its cap.
        let again = try TestPeer(port: gateway.port)
        again.send(Self.v2(from: [203, 0, 113, 7]) + Array(Self.healthz.utf8))
        #expect(again.readResponse()?.head.hasPrefix("HTTP/1.1 429") == true)
        #expect(gateway.server.context.limiter.count("203.0.113.7") == 1)
    }

    @Test func xForwardedForIsBelievedOnlyFromATrustedProxy() throws {
        let gateway = try RunningGateway { config in
            config.proxy.trustedProxies = try! TrustedProxies.parse(["127.0.0.1"]).get()
        }
        defer { gateway.stop() }
        let limiter = gateway.server.context.limiter
        let proxied = try TestPeer(port: gateway.port)
        proxied.send("GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: 6.6.6.6, 203.0.113.9\r\n\r\n")
        #expect(proxied.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(limiter.count("203.0.113.9") == 1 && limiter.count("127.0.0.1") == 0 && limiter.count("6.6.6.6") == 0)
        // The next request on the connection names another client: the place follows it.
        proxied.send("GET /healthz HTTP/1.1\r\nHost: gw\r\nForwarded: for=\"[2001:db8::9]:1234\"\r\n\r\n")
        #expect(proxied.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(limiter.count("2001:db8::9") == 1 && limiter.count("203.0.113.9") == 0)
        let untrusted = try TestPeer(port: gateway.port, source: "127.0.0.5")
        untrusted.send("GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: 203.0.113.10\r\n\r\n")
        #expect(untrusted.readResponse()?.head.hasPrefix("HTTP/1.1 200") == true)
        #expect(limiter.count("127.0.0.5") == 1 && limiter.count("203.0.113.10") == 0)
        #expect(gateway.eventually { gateway.metric("callgate_forwarded_clients_total{outcome=\"address\"}") == 2 })
    }

    @Test func configNamesBadSettings() throws {
        func problem(_ json: String) -> String? {
            var config = GatewayConfig()
            do {
                try config.apply(json: Data(json.utf8))
                try config.validate()
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"trustedProxies": ["10.0.0.0/8"], "protocol": "v2"}}"#) == nil)
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"trustedProxies": ["10.0.0.0/8"], "protocol": {"127.0.0.1:8080": "any"}}}"#) == nil)
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"protocol": "v2"}}"#)?.contains("proxy.trustedProxies, which is empty") == true)
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"trustedProxies": ["10.0.0.1/8"]}}"#)?.contains("proxy.trustedProxies") == true)
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"trustedProxies": ["::1"], "protocol": "v3"}}"#)?.contains("\"off\", \"v1\", \"v2\" or \"any\"") == true)
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"trustedProxies": ["::1"], "protocol": {"127.0.0.1:9": "v2"}}}"#)?.contains("127.0.0.1:9 is not in listen") == true)
        #expect(problem(#"{"listen": ["127.0.0.1:8080"], "proxy": {"trusted": []}}"#) == "config: proxy.trusted: unknown key")
    }
}
