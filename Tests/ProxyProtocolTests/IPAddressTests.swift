import Glibc
import Testing
@testable import ProxyProtocol

/// `IPAddress` against the C library the gateway prints socket peers with: the same text for
/// the same address, so a client's address has one spelling however it arrived.
@Suite struct IPAddressTests {
    static func libc(_ text: String) -> String? {
        var v4 = in_addr(), v6 = in6_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if inet_pton(AF_INET, text, &v4) == 1 {
            inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count))
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
        } else {
            return nil
        }
        return cText(buffer)
    }

    /// A C string buffer as text.
    static func cText(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func parsesAndPrintsAsInetPtonAndInetNtop() {
        let samples = ["0.0.0.0", "127.0.0.1", "255.255.255.255", "192.0.2.60", "::", "::1", "1::", "2001:db8::1",
                       "2001:DB8:0:0:0:0:0:1", "2001:db8:0:1:0:0:0:1", "2001:0:0:1:0:0:0:1", "1:0:0:2:0:0:0:3",
                       "::ffff:192.0.2.128", "::ffff:c000:0280", "::192.0.2.128", "::0.0.0.2", "64:ff9b::192.0.2.33",
                       "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6::8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                       "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0:0:0:0:0:1:0:0", "1:0:0:0:1:0:0:0"]
        for text in samples {
            #expect(IPAddress(text)?.description == Self.libc(text), "\(text)")
        }
    }

    @Test func refusesWhatInetPtonRefuses() {
        let bad = ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ",
                   "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:", "12345::", "g::", "::1.2.3",
                   "1.2.3.4::", "[::1]", "fe80::1%eth0", "1:2:3:4:5:6:7:8::", ":", ":::", "::1.2.3.256"]
        for text in bad {
            #expect(IPAddress(text) == nil, "\(text)")
            #expect(Self.libc(text) == nil, "libc takes \(text)")
        }
    }

    @Test func randomAddressesPrintAsInetNtop() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // Mostly zero groups, so that every compression case comes up.
            let words = (0..<8).map { _ in UInt16.random(in: 0...3, using: &generator) == 0 ? UInt16.random(in: 0...0xFFFF, using: &generator) : 0 }
            var bytes = words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            if Bool.random(using: &generator) { bytes.replaceSubrange(0..<12, with: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) }
            let address = IPAddress(bytes: bytes)!
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
            #expect(address.description == Self.cText(buffer))
            #expect(IPAddress(address.description) == address)
        }
    }

    @Test func rangesMatchByPrefix() {
        let ten = IPAddressRange("10.0.0.0/8")!
        #expect(ten.contains(IPAddress("10.255.0.1")!))
        #expect(!ten.contains(IPAddress("11.0.0.1")!))
        #expect(ten.contains(IPAddress("::ffff:10.1.2.3")!))
        #expect(!ten.contains(IPAddress("::1")!))
        let single = IPAddressRange("127.0.0.1")!
        #expect(single.prefixLength == 32 && single.contains(IPAddress("127.0.0.1")!) && !single.contains(IPAddress("127.0.0.2")!))
        let v6 = IPAddressRange("2001:db8::/32")!
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!) && !v6.contains(IPAddress("2001:db9::1")!))
        #expect(IPAddressRange("2001:db8::/96")!.contains(IPAddress("2001:db8::ffff:1")!))
        #expect(IPAddressRange("0.0.0.0/0")!.contains(IPAddress("8.8.8.8")!))
        #expect(IPAddressRange("::/0")!.contains(IPAddress("2001:db8::1")!))
        #expect(IPAddressRange("::1/128")!.contains(IPAddress("::1")!))
        for bad in ["10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "2001:db8::1/32", "::/129", "host/8", "10.0.0.0/8/8"] {
            #expect(IPAddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test func trustedProxiesParseAndNameTheBadEntry() {
        let trusted = try! TrustedProxies.parse(["127.0.0.1", "10.0.0.0/8", "::1"]).get()
        #expect(trusted.contains(host: "127.0.0.1") && trusted.contains(host: "10.9.9.9") && trusted.contains(host: "::1"))
        #expect(!trusted.contains(host: "127.0.0.5") && !trusted.contains(host: "unknown"))
        #expect(TrustedProxies.parse(["10.0.0.0/8", "proxy.example"]) == .failure(.init(entry: "proxy.example")))
    }
}
