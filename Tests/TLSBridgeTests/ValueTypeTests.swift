import Testing
@testable import TLSBridge

/// The small pure pieces: ALPN wire form, SNI table, versions, errors.
@Suite struct ValueTypeTests {
    @Test func alpnWireFormIsLengthPrefixed() throws {
        // RFC 7301 §3.1: opaque ProtocolName<1..2^8-1>, back to back.
        let list = try ALPNProtocolList(protocols: ["h2", "http/1.1"])
        #expect(list.wireBytes == [0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2F, 0x31, 0x2E, 0x31])
        #expect(throws: TLSError.self) { try ALPNProtocolList(protocols: [""]) }
        #expect(throws: TLSError.self) { try ALPNProtocolList(protocols: [String(repeating: "x", count: 256)]) }
        #expect(try ALPNProtocolList(protocols: [String(repeating: "x", count: 255)]).wireBytes.count == 256)
    }

    @Test func sniTableMatchesExactNamesThenOneLabelWildcards() {
        var table = SNITable<Int>()
        #expect(table.isEmpty)
        table.add("Agents.Example.com", 1)
        table.add("*.example.com", 2)
        table.add("agents.example.com", 3)   // first entry wins
        table.add("*.EXAMPLE.com", 4)
        #expect(table.lookup("agents.example.com") == 1)
        #expect(table.lookup("AGENTS.EXAMPLE.COM.") == 1)
        #expect(table.lookup("crm.example.com") == 2)
        #expect(table.lookup("example.com") == nil)
        #expect(table.lookup("a.b.example.com") == nil)
        #expect(table.lookup(".example.com") == nil)
        #expect(table.lookup("") == nil)
    }

    /// Names compare as ASCII, as documented: `String.lowercased()` mapped the Kelvin sign
    /// (U+212A) to `k`, and a dot followed by a combining mark was not a dot to `Character`
    /// search (found while listing the parsers for docs/fuzzing.md).
    @Test func sniNamesCompareAsASCIIOnly() {
        var table = SNITable<Int>()
        table.add("kiosk.example.com", 1)
        table.add("*.com", 2)
        #expect(table.lookup("KIOSK.example.COM") == 1)
        #expect(table.lookup("\u{212A}iosk.example.com") == nil)
        #expect(table.lookup("a.\u{301}example.com") == nil)
        #expect(table.lookup("a.com") == 2)
    }

    @Test func versionsOrderAndPrintLikeOpenSSL() {
        #expect(TLSVersion.tls12 < .tls13)
        #expect(TLSVersion(wireValue: 0x0303) == .tls12)
        #expect(TLSVersion.tls13.description == "TLSv1.3")
        #expect(TLSVersion.tls11.description == "TLSv1.1")
        #expect(TLSVersion(wireValue: 0x7F1C).description == "TLS(0x7f1c)")
    }

    @Test func errorsDescribeThemselves() {
        let error = TLSError(kind: .certificateVerification, operation: "SSL_do_handshake",
                             reasons: ["certificate verify failed", "hostname mismatch"])
        #expect(error.description == "TLS certificate verification error in SSL_do_handshake: certificate verify failed; hostname mismatch")
    }

    @Test func drainingAnEmptyQueueStillGivesAReason() {
        OpenSSLErrorQueue.clear()
        let error = TLSError.drained(.internal, "nothing")
        #expect(error.reasons == ["no reason reported by OpenSSL"])
    }

    @Test func ipLiteralsAreRecognised() {
        #expect(TLSEngine.isIPAddressLiteral("127.0.0.1"))
        #expect(TLSEngine.isIPAddressLiteral("::1"))
        #expect(TLSEngine.isIPAddressLiteral("2001:db8::7"))
        #expect(!TLSEngine.isIPAddressLiteral("localhost"))
        #expect(!TLSEngine.isIPAddressLiteral("1.2.3"))
        #expect(!TLSEngine.isIPAddressLiteral("[::1]"))
    }
}
