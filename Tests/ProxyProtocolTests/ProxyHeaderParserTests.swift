import Testing
@testable import ProxyProtocol

/// The PROXY protocol's header forms (HAProxy `doc/proxy-protocol.txt` §2.1 and §2.2), each fed
/// whole and cut at every offset, as a connection that buffers its first bytes feeds them.
@Suite struct ProxyHeaderParserTests {
    enum Fed: Equatable {
        case outcome(ProxyHeaderParser.Outcome)
        case failed(ProxyProtocolError)
    }

    static func parse(_ bytes: [UInt8]) -> Fed {
        bytes.withUnsafeBytes { raw in
            do throws(ProxyProtocolError) { return .outcome(try ProxyHeaderParser.parse(raw)) } catch { return .failed(error) }
        }
    }

    /// Feeds the bytes growing from nothing, cut at `cut`, as a connection does; the first answer
    /// that is not `.needMore` wins.
    static func feed(_ bytes: [UInt8], cut: Int) -> Fed {
        for end in [cut, bytes.count] where end <= bytes.count {
            let fed = parse(Array(bytes[..<end]))
            if fed != .outcome(.needMore) { return fed }
        }
        return .outcome(.needMore)
    }

    /// The result whole, which every cut must give too; and every strict prefix of a header
    /// must be `.needMore`.
    static func expectEverywhere(_ bytes: [UInt8], _ expected: Fed, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(parse(bytes) == expected, sourceLocation: sourceLocation)
        for cut in 0...bytes.count {
            #expect(feed(bytes, cut: cut) == expected, "cut at \(cut)", sourceLocation: sourceLocation)
        }
        if case .outcome(.header(let header)) = expected {
            for end in 0..<header.length {
                #expect(parse(Array(bytes[..<end])) == .outcome(.needMore), "prefix \(end)", sourceLocation: sourceLocation)
            }
        }
    }

    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    static func header(_ version: ProxyHeader.Version, _ source: String, _ sourcePort: UInt16, _ destination: String,
                       _ destinationPort: UInt16, length: Int) -> Fed {
        .outcome(.header(ProxyHeader(version: version, source: .init(address: ip(source), port: sourcePort),
                                     destination: .init(address: ip(destination), port: destinationPort), length: length)))
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: version 1

    @Test func v1TheSpecExampleBeforeAnHTTPRequest() {
        let line = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"
        let request = "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n"
        Self.expectEverywhere(Self.bytes(line + request), Self.header(.v1, "192.168.0.1", 56324, "192.168.0.11", 443, length: line.utf8.count))
    }

    @Test func v1TheSpecMaximumLines() {
        let tcp4 = "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"
        #expect(tcp4.utf8.count == 56)
        Self.expectEverywhere(Self.bytes(tcp4), Self.header(.v1, "255.255.255.255", 65535, "255.255.255.255", 65535, length: 56))
        let full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        let tcp6 = "PROXY TCP6 \(full) \(full) 65535 65535\r\n"
        #expect(tcp6.utf8.count == 104)
        Self.expectEverywhere(Self.bytes(tcp6), Self.header(.v1, full, 65535, full, 65535, length: 104))
        let unknownShort = "PROXY UNKNOWN\r\n"
        Self.expectEverywhere(Self.bytes(unknownShort),
                              .outcome(.header(ProxyHeader(version: .v1, source: nil, destination: nil, length: 15))))
        let unknownLong = "PROXY UNKNOWN \(full) \(full) 65535 65535\r\n"
        #expect(unknownLong.utf8.count == ProxyHeaderParser.v1MaximumLength)
        Self.expectEverywhere(Self.bytes(unknownLong),
                              .outcome(.header(ProxyHeader(version: .v1, source: nil, destination: nil, length: 107))))
    }

    @Test func v1CompressedIPv6() {
        let line = "PROXY TCP6 2001:db8::1 ::1 40000 8443\r\n"
        Self.expectEverywhere(Self.bytes(line), Self.header(.v1, "2001:db8::1", 40000, "::1", 8443, length: line.utf8.count))
    }

    @Test func v1WithoutCRLFIn107BytesIsRefused() {
        let long = Self.bytes("PROXY UNKNOWN " + String(repeating: "a", count: 100))
        #expect(Self.parse(Array(long[..<106])) == .outcome(.needMore))
        #expect(Self.parse(long) == .failed(.v1LineTooLong))
    }

    @Test func v1MalformedLines() {
        func fed(_ line: String) -> Fed { Self.parse(Self.bytes(line)) }
        #expect(fed("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n") == .failed(.v1MissingCRLF))
        #expect(fed("PROXY TCP4 192.168.0.1\r192.168.0.11 56324 443\r\n") == .failed(.v1MissingCRLF))
        #expect(fed("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\rX") == .failed(.v1MissingCRLF))
        #expect(fed("PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n") == .failed(.v1UnknownProtocol("TCP5")))
        #expect(fed("PROXY tcp4 192.168.0.1 192.168.0.11 56324 443\r\n") == .failed(.v1UnknownProtocol("tcp4")))
        #expect(fed("PROXY \r\n") == .failed(.v1UnknownProtocol("")))
        for bad in ["PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n",           // a port missing
                    "PROXY TCP4 192.168.0.1  192.168.0.11 56324 443\r\n",      // two spaces
                    "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 \r\n",      // trailing space
                    "PROXY TCP4 192.168.00.1 192.168.0.11 56324 443\r\n",      // leading zero in the address
                    "PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n",      // leading zero in the port
                    "PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n",       // port out of range
                    "PROXY TCP4 ::1 ::1 56324 443\r\n",                        // IPv6 under TCP4
                    "PROXY TCP6 192.168.0.1 192.168.0.11 56324 443\r\n",       // IPv4 under TCP6
                    "PROXY TCP6 fe80::1%eth0 ::1 56324 443\r\n",               // a zone
                    "PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n"] {
            #expect(fed(bad) == .failed(.v1MalformedAddresses), "\(bad)")
        }
    }

    // MARK: version 2

    static let signature = ProxyHeaderParser.v2Signature

    /// A v2 header: signature, version/command, family/transport, length, then `block`.
    static func v2(_ versionCommand: UInt8, _ familyTransport: UInt8, _ block: [UInt8], length: Int? = nil) -> [UInt8] {
        let count = length ?? block.count
        return signature + [versionCommand, familyTransport, UInt8(count >> 8), UInt8(count & 0xFF)] + block
    }

    static let tcp4Block: [UInt8] = [192, 168, 0, 1, 192, 168, 0, 11, 0xDC, 0x04, 0x01, 0xBB]

    @Test func v2SignatureIsTheSpecsTwelveBytes() {
        #expect(Self.signature == [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A])
        #expect(Array("\r\n\r\n\0\r\nQUIT\n".utf8) == Self.signature)
    }

    @Test func v2ProxyTCPOverIPv4FollowedByData() {
        let bytes = Self.v2(0x21, 0x11, Self.tcp4Block) + Self.bytes("GET / HTTP/1.1\r\n\r\n")
        Self.expectEverywhere(bytes, Self.header(.v2, "192.168.0.1", 56324, "192.168.0.11", 443, length: 28))
    }

    @Test func v2ProxyUDPOverIPv4TakesTheAddressToo() {
        Self.expectEverywhere(Self.v2(0x21, 0x12, Self.tcp4Block), Self.header(.v2, "192.168.0.1", 56324, "192.168.0.11", 443, length: 28))
    }

    @Test func v2ProxyTCPOverIPv6() {
        let source: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [0x01]
        let destination: [UInt8] = [UInt8](repeating: 0, count: 15) + [0x01]
        let bytes = Self.v2(0x21, 0x21, source + destination + [0x9C, 0x40, 0x20, 0xFB])
        Self.expectEverywhere(bytes, Self.header(.v2, "2001:db8::1", 40000, "::1", 8443, length: 52))
    }

    @Test func v2LocalUsesTheRealEndpointsAndSkipsTheBlock() {
        Self.expectEverywhere(Self.v2(0x20, 0x00, []), .outcome(.header(ProxyHeader(version: .v2, source: nil, destination: nil, length: 16))))
        // §2.2: "Receivers MUST always consider this field to skip the appropriate number of bytes".
        let withBlock = Self.v2(0x20, 0x11, Self.tcp4Block) + Self.bytes("GET")
        Self.expectEverywhere(withBlock, .outcome(.header(ProxyHeader(version: .v2, source: nil, destination: nil, length: 28))))
    }

    @Test func v2UnspecifiedAndUnixFamiliesGiveNoAddress() {
        Self.expectEverywhere(Self.v2(0x21, 0x00, []), .outcome(.header(ProxyHeader(version: .v2, source: nil, destination: nil, length: 16))))
        let unix = Self.v2(0x21, 0x31, Array("/run/client.sock".utf8) + [UInt8](repeating: 0, count: 200))
        #expect(unix.count == 16 + 216)
        Self.expectEverywhere(unix, .outcome(.header(ProxyHeader(version: .v2, source: nil, destination: nil, length: 232))))
        Self.expectEverywhere(Self.v2(0x21, 0x32, [UInt8](repeating: 0, count: 216)),
                              .outcome(.header(ProxyHeader(version: .v2, source: nil, destination: nil, length: 232))))
    }

    @Test func v2TLVsAreSkipped() {
        // PP2_TYPE_NOOP with 3 bytes of padding, PP2_TYPE_ALPN "h2", PP2_TYPE_AUTHORITY, a custom 0xE0 with none.
        let tlvs: [UInt8] = [0x04, 0x00, 0x03, 0, 0, 0] + [0x01, 0x00, 0x02] + Array("h2".utf8)
            + [0x02, 0x00, 0x0B] + Array("example.com".utf8) + [0xE0, 0x00, 0x00]
        let bytes = Self.v2(0x21, 0x11, Self.tcp4Block + tlvs)
        Self.expectEverywhere(bytes, Self.header(.v2, "192.168.0.1", 56324, "192.168.0.11", 443, length: 16 + 12 + tlvs.count))
    }

    @Test func v2Malformed() {
        #expect(Self.parse(Self.v2(0x11, 0x11, Self.tcp4Block)) == .failed(.v2UnsupportedVersion(0x11)))
        #expect(Self.parse(Self.v2(0x31, 0x11, Self.tcp4Block)) == .failed(.v2UnsupportedVersion(0x31)))
        #expect(Self.parse(Self.v2(0x22, 0x11, Self.tcp4Block)) == .failed(.v2UnknownCommand(0x22)))
        #expect(Self.parse(Self.v2(0x2F, 0x11, Self.tcp4Block)) == .failed(.v2UnknownCommand(0x2F)))
        #expect(Self.parse(Self.v2(0x21, 0x41, Self.tcp4Block)) == .failed(.v2UnknownFamily(0x41)))
        #expect(Self.parse(Self.v2(0x21, 0x13, Self.tcp4Block)) == .failed(.v2UnknownFamily(0x13)))
        #expect(Self.parse(Self.v2(0x21, 0x11, Array(Self.tcp4Block[..<8]))) == .failed(.v2AddressesTruncated(family: 1, length: 8)))
        #expect(Self.parse(Self.v2(0x21, 0x21, Self.tcp4Block)) == .failed(.v2AddressesTruncated(family: 2, length: 12)))
        #expect(Self.parse(Self.v2(0x21, 0x11, Self.tcp4Block + [0x04, 0x00, 0x05, 0, 0])) == .failed(.v2MalformedTLV))
        #expect(Self.parse(Self.v2(0x21, 0x11, Self.tcp4Block + [0x04, 0x00])) == .failed(.v2MalformedTLV))
        // The version byte is checked as soon as the 16-byte header is in, before the block.
        #expect(Self.parse(Array(Self.v2(0x11, 0x11, Self.tcp4Block)[..<16])) == .failed(.v2UnsupportedVersion(0x11)))
    }

    @Test func v2LengthIsTheWholeBlockUpTo65535() {
        let block = Self.tcp4Block + [0x04, 0xFF, 0xF0] + [UInt8](repeating: 0, count: 0xFFF0)
        #expect(block.count == 65_535)
        let bytes = Self.v2(0x21, 0x11, block)
        #expect(Self.parse(Array(bytes[..<(bytes.count - 1)])) == .outcome(.needMore))
        #expect(Self.parse(bytes) == Self.header(.v2, "192.168.0.1", 56324, "192.168.0.11", 443, length: 65_551))
    }

    // MARK: not a header

    @Test func otherProtocolsAreToldApartAtTheFirstDifferentByte() {
        Self.expectEverywhere(Self.bytes("GET / HTTP/1.1\r\n\r\n"), .outcome(.absent))
        Self.expectEverywhere([0x16, 0x03, 0x01, 0x02, 0x00, 0x01], .outcome(.absent)) // a TLS ClientHello
        // WebDAV's PROPFIND shares "PRO" with "PROXY".
        #expect(Self.parse(Self.bytes("PRO")) == .outcome(.needMore))
        #expect(Self.parse(Self.bytes("PROP")) == .outcome(.absent))
        #expect(Self.parse(Self.bytes("PROXY")) == .outcome(.needMore))
        #expect(Self.parse(Self.bytes("PROXYX")) == .outcome(.absent))
        // A v2 signature that breaks off.
        #expect(Self.parse(Array(Self.signature[..<7])) == .outcome(.needMore))
        #expect(Self.parse(Array(Self.signature[..<7]) + [0x00]) == .outcome(.absent))
        #expect(Self.parse(Self.bytes("\r\n\r\n")) == .outcome(.needMore))
        #expect(Self.parse([]) == .outcome(.needMore))
    }
}
