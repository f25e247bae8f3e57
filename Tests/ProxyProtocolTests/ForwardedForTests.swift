import Testing
@testable import ProxyProtocol

/// `X-Forwarded-For` and RFC 7239 `Forwarded`: what the fields list, and which hop is the client.
@Suite struct ForwardedForTests {
    static func a(_ text: String) -> ForwardedFor.Node { .address(IPAddress(text)!) }

    @Test func rfc7239Examples() {
        // §4.
        #expect(ForwardedFor.hops(forwarded: ["for=\"_gazonk\""], xForwardedFor: []) == [.unknown])
        #expect(ForwardedFor.hops(forwarded: ["For=\"[2001:db8:cafe::17]:4711\""], xForwardedFor: []) == [Self.a("2001:db8:cafe::17")])
        #expect(ForwardedFor.hops(forwarded: ["for=192.0.2.60;proto=http;by=203.0.113.43"], xForwardedFor: []) == [Self.a("192.0.2.60")])
        #expect(ForwardedFor.hops(forwarded: ["for=192.0.2.43, for=198.51.100.17"], xForwardedFor: []) == [Self.a("192.0.2.43"), Self.a("198.51.100.17")])
        // §7.4: the X-Forwarded-For it replaces.
        #expect(ForwardedFor.hops(forwarded: ["for=192.0.2.43, for=\"[2001:db8:cafe::17]\""], xForwardedFor: [])
                == ForwardedFor.hops(forwarded: [], xForwardedFor: ["192.0.2.43, 2001:db8:cafe::17"]))
        // §6: "unknown".
        #expect(ForwardedFor.hops(forwarded: ["for=unknown, for=192.0.2.60"], xForwardedFor: []) == [.unknown, Self.a("192.0.2.60")])
    }

    @Test func forwardedSyntax() {
        // Parameters in any order and case, quoted values with commas and escapes, lines joined.
        #expect(ForwardedFor.hops(forwarded: ["proto=https;FOR=\"192.0.2.1:8080\";host=\"a,b\"", "by=x;for=\"198.51.100.2\""], xForwardedFor: [])
                == [Self.a("192.0.2.1"), Self.a("198.51.100.2")])
        #expect(ForwardedFor.hops(forwarded: ["for=\"\\192.0.2.1\""], xForwardedFor: []) == [Self.a("192.0.2.1")])
        // An element without `for` is a hop that did not say; empty elements are no hops (RFC 9110 §5.6.1).
        #expect(ForwardedFor.hops(forwarded: ["proto=https, , for=192.0.2.9"], xForwardedFor: []) == [.unknown, Self.a("192.0.2.9")])
        // An unbracketed IPv6 with a port is not an address.
        #expect(ForwardedFor.hops(forwarded: ["for=\"2001:db8::1:443\""], xForwardedFor: []) == [Self.a("2001:db8::1:443")])
        #expect(ForwardedFor.hops(forwarded: ["for=\"[2001:db8::1]:\""], xForwardedFor: []) == [.unknown])
        #expect(ForwardedFor.hops(forwarded: ["for=\"[192.0.2.1]\""], xForwardedFor: []) == [.unknown])
        // Forwarded wins over X-Forwarded-For when both are present.
        #expect(ForwardedFor.hops(forwarded: ["for=192.0.2.1"], xForwardedFor: ["198.51.100.1"]) == [Self.a("192.0.2.1")])
    }

    @Test func xForwardedForForms() {
        #expect(ForwardedFor.hops(forwarded: [], xForwardedFor: ["203.0.113.7", " 10.0.0.2 ,10.0.0.3:5000", "[2001:db8::7]:443, ,garbage"])
                == [Self.a("203.0.113.7"), Self.a("10.0.0.2"), Self.a("10.0.0.3"), Self.a("2001:db8::7"), .unknown])
        #expect(ForwardedFor.hops(forwarded: [], xForwardedFor: []) == [])
        #expect(ForwardedFor.hops(forwarded: [], xForwardedFor: ["1.2.3.4:"]) == [.unknown])
    }

    @Test func theClientIsTheRightmostHopThatIsNotTrusted() {
        let trusted = try! TrustedProxies.parse(["10.0.0.0/8", "127.0.0.1"]).get()
        let proxy = IPAddress("127.0.0.1")!
        func client(_ xff: String) -> ForwardedFor.Node {
            ForwardedFor.client(peer: proxy, hops: ForwardedFor.hops(forwarded: [], xForwardedFor: [xff]), trusted: trusted)
        }
        // A forged entry to the left of the real client is ignored.
        #expect(client("6.6.6.6, 203.0.113.7, 10.0.0.2") == Self.a("203.0.113.7"))
        #expect(client("203.0.113.7") == Self.a("203.0.113.7"))
        // Every hop trusted: the farthest is the client.
        #expect(client("10.1.1.1, 10.0.0.2") == Self.a("10.1.1.1"))
        // A trusted proxy that could not name its peer: unknown, never the proxy's own address.
        #expect(client("203.0.113.7, unknown, 10.0.0.2") == .unknown)
        #expect(client("unknown") == .unknown)
        // Garbage left of the client does not matter.
        #expect(client("garbage, 203.0.113.7") == Self.a("203.0.113.7"))
        #expect(ForwardedFor.client(peer: proxy, hops: [], trusted: trusted) == .address(proxy))
    }
}
