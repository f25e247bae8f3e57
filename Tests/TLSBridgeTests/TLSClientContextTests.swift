import Testing
@testable import TLSBridge

@Suite struct TLSClientContextTests {
    let pki = TestPKI.shared

    private func handshake(serverName: String?, _ configure: (inout TLSClientConfiguration) -> Void = { _ in }) throws -> (TLSEngine, HandshakeOutcome) {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configure(&configuration)
        let client = try TLSClientContext(configuration)
        let c = try TLSEngine(client: client, serverName: serverName)
        let s = try TLSEngine(server: server)
        return (c, interact(client: c, server: s))
    }

    // MARK: Host-name verification (RFC 6125)

    @Test(arguments: ["agents.example.com", "Agents.Example.COM", "eu.crm.example.com", "localhost"])
    func theRightNamePasses(serverName: String) throws {
        let (_, outcome) = try handshake(serverName: serverName)
        #expect(outcome.bothComplete)
    }

    @Test func aWrongNameFails() throws {
        // SNI "default.example" makes the server present default.example's certificate; the
        // client expects another name.
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: "unknown.example.org")
        let outcome = interact(client: c, server: try TLSEngine(server: server))
        let error = try #require(outcome.clientError)
        #expect(error.kind == .certificateVerification)
        #expect(error.reasons.contains("certificate verify failed"))
        #expect(error.reasons.contains("hostname mismatch"))
        // The alert reached the server.
        #expect(outcome.serverError != nil)
    }

    @Test func aWildcardDoesNotCoverTwoLabels() throws {
        let (_, outcome) = try handshake(serverName: "a.b.crm.example.com")
        #expect(outcome.clientError?.reasons.contains("hostname mismatch") == true)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func anIPAddressMatchesAnIPSAN(address: String) throws {
        // No SNI is sent for an address (RFC 6066 §3), so the server picks by itself: give it
        // the localhost certificate as its default.
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.certificateChainFile = pki.localhost.chainFile
        serverConfiguration.privateKeyFile = pki.localhost.keyFile
        let server = try TLSServerContext(serverConfiguration)
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: address)
        let s = try TLSEngine(server: server)
        #expect(interact(client: c, server: s).bothComplete)
        #expect(s.serverName == nil)
        #expect(c.serverName == nil)
    }

    @Test func anIPAddressThatIsNotInTheCertificateFails() throws {
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.certificateChainFile = pki.localhost.chainFile
        serverConfiguration.privateKeyFile = pki.localhost.keyFile
        let server = try TLSServerContext(serverConfiguration)
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: "127.0.0.2")
        let outcome = interact(client: c, server: try TLSEngine(server: server))
        #expect(outcome.clientError?.reasons.contains("IP address mismatch") == true)
    }

    @Test func noHostnameVerificationAcceptsAnyNameButStillChecksTheChain() throws {
        let (_, wrongName) = try handshake(serverName: "unknown.example.org") { $0.verification = .noHostnameVerification }
        #expect(wrongName.bothComplete)
        let (_, wrongChain) = try handshake(serverName: "default.example") {
            $0.verification = .noHostnameVerification
            $0.trustRoots = .system
        }
        #expect(wrongChain.clientError?.kind == .certificateVerification)
    }

    @Test func fullVerificationNeedsAServerName() throws {
        let client = try TLSClientContext(pki.clientConfiguration())
        #expect(throws: TLSError.self) { try TLSEngine(client: client, serverName: nil) }
    }

    // MARK: Trust roots

    @Test func theSystemBundleDoesNotTrustTheTestCA() throws {
        let (_, outcome) = try handshake(serverName: "default.example") { $0.trustRoots = .system }
        let error = try #require(outcome.clientError)
        #expect(error.kind == .certificateVerification)
        // The test chains end in the test CA, which the system does not know.
        #expect(error.reasons.contains("self-signed certificate in certificate chain"), "\(error)")
    }

    @Test func verificationNoneAcceptsAnything() throws {
        let (_, outcome) = try handshake(serverName: "nobody.invalid") {
            $0.verification = .none
            $0.trustRoots = .system
        }
        #expect(outcome.bothComplete)
    }

    @Test func aMissingCAFileIsAConfigurationError() throws {
        var configuration = pki.clientConfiguration()
        configuration.trustRoots = .file(pki.directory + "/nope.pem")
        do {
            _ = try TLSClientContext(configuration)
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.kind == .configuration)
            #expect(!error.reasons.isEmpty)
        }
    }

    @Test func aClientCertificateNeedsItsKey() throws {
        var configuration = pki.clientConfiguration()
        configuration.clientCertificateChainFile = pki.client.chainFile
        #expect(throws: TLSError.self) { try TLSClientContext(configuration) }
    }

    // MARK: Session cache

    @Test func theCacheIsBounded() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.sessionCacheCapacity = 2
        configuration.verification = .noHostnameVerification
        let client = try TLSClientContext(configuration)
        for name in ["a.example", "b.example", "c.example"] {
            _ = try connectedPair(server: server, client: client, serverName: name)
        }
        #expect(client.rememberedSessionCount == 2)
        client.forgetSessions()
        #expect(client.rememberedSessionCount == 0)
    }

    @Test func aDisabledCacheRemembersNothing() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.sessionCacheCapacity = 0
        let client = try TLSClientContext(configuration)
        _ = try connectedPair(server: server, client: client)
        let (again, _) = try connectedPair(server: server, client: client)
        #expect(!again.sessionReused)
        #expect(client.rememberedSessionCount == 0)
    }
}
