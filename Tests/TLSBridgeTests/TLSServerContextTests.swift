import Testing
@testable import TLSBridge

@Suite struct TLSServerContextTests {
    let pki = TestPKI.shared

    // MARK: SNI (RFC 6066 §3)

    @Test(arguments: [
        ("agents.example.com", "agents"),
        ("AGENTS.example.com", "agents"),
        ("eu.crm.example.com", "wildcard"),
        ("localhost", "localhost"),
        ("default.example", "default"),
        ("unknown.example.org", "default"),
        ("a.b.crm.example.com", "default"),   // a wildcard covers one label only
        ("crm.example.com", "default"),
    ])
    func sniSelectsTheCertificate(serverName: String, expected: String) throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.verification = .noHostnameVerification   // the unknown names get the default certificate
        let client = try TLSClientContext(configuration)
        let (c, s) = try connectedPair(server: server, client: client, serverName: serverName)
        #expect(c.peerCertificateSHA256Fingerprint == pki.identity(expected).fingerprint)
        #expect(s.serverName == serverName)
    }

    @Test func absentSNIGetsTheDefaultCertificate() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.verification = .noHostnameVerification
        let client = try TLSClientContext(configuration)
        let (c, s) = try connectedPair(server: server, client: client, serverName: nil)
        #expect(c.peerCertificateSHA256Fingerprint == pki.defaultServer.fingerprint)
        #expect(c.peerCertificateSubject == "CN=default.example,O=Callgate")
        #expect(s.serverName == nil)
    }

    @Test func sniCertificateVerifiesWithFullVerification() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, _) = try connectedPair(server: server, client: client, serverName: "eu.crm.example.com")
        #expect(c.peerCertificateSubject == "CN=*.crm.example.com,O=Callgate")
    }

    // MARK: ALPN (RFC 7301)

    @Test func alpnNegotiatesHTTP11() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.alpnProtocols = ["h2", "http/1.1"]
        let client = try TLSClientContext(configuration)
        let (c, s) = try connectedPair(server: server, client: client)
        #expect(c.negotiatedALPN == "http/1.1")
        #expect(s.negotiatedALPN == "http/1.1")
    }

    @Test func noALPNFromTheClientMeansNoALPN() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.alpnProtocols = []
        let client = try TLSClientContext(configuration)
        let (c, s) = try connectedPair(server: server, client: client)
        #expect(c.negotiatedALPN == nil)
        #expect(s.negotiatedALPN == nil)
    }

    @Test func alpnWithoutOverlapIsAFatalAlert() throws {
        // RFC 7301 §3.2: no_application_protocol.
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.alpnProtocols = ["h2"]
        let client = try TLSClientContext(configuration)
        let c = try TLSEngine(client: client, serverName: "default.example")
        let s = try TLSEngine(server: server)
        let outcome = interact(client: c, server: s)
        #expect(outcome.serverError?.kind == .handshake)
        #expect(outcome.clientError?.reasons.contains { $0.contains("no application protocol") } == true)
    }

    // MARK: Versions

    @Test func aTLS11ClientIsRefused() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.minimumVersion = .tls11
        configuration.maximumVersion = .tls11
        configuration.cipherList = "DEFAULT:@SECLEVEL=0"
        configuration.securityLevel = 0   // OpenSSL 3 refuses TLS 1.1 at the default level
        let client = try TLSClientContext(configuration)
        let c = try TLSEngine(client: client, serverName: "default.example")
        let s = try TLSEngine(server: server)
        let outcome = interact(client: c, server: s)
        let serverError = try #require(outcome.serverError)
        #expect(serverError.kind == .handshake)
        #expect(serverError.reasons.contains { $0.contains("unsupported protocol") })
        let clientError = try #require(outcome.clientError)
        #expect(clientError.reasons.contains { $0.contains("protocol version") })
    }

    @Test func aTLS12ClientIsServed() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.maximumVersion = .tls12
        let client = try TLSClientContext(configuration)
        let (c, s) = try connectedPair(server: server, client: client)
        #expect(c.protocolVersion == .tls12)
        #expect(s.cipherName == "ECDHE-ECDSA-AES128-GCM-SHA256")
        #expect(try deliver(patternBytes(40_000), from: s, to: c) == patternBytes(40_000))
    }

    @Test func aTLS13OnlyServerRefusesTLS12() throws {
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.minimumVersion = .tls13
        let server = try TLSServerContext(serverConfiguration)
        var configuration = pki.clientConfiguration()
        configuration.maximumVersion = .tls12
        let client = try TLSClientContext(configuration)
        let outcome = interact(client: try TLSEngine(client: client, serverName: "default.example"), server: try TLSEngine(server: server))
        #expect(outcome.serverError != nil)
        #expect(outcome.clientError != nil)
    }

    @Test func aServerMinimumBelowTLS12IsAConfigurationError() throws {
        var configuration = pki.serverConfiguration()
        configuration.minimumVersion = .tls11
        #expect(throws: TLSError.self) { try TLSServerContext(configuration) }
        do {
            _ = try TLSServerContext(configuration)
        } catch {
            #expect(error.kind == .configuration)
        }
    }

    // MARK: Configuration errors carry OpenSSL's reason

    @Test func aMissingCertificateFileIsReported() throws {
        var configuration = pki.serverConfiguration()
        configuration.certificateChainFile = pki.directory + "/missing.pem"
        do {
            _ = try TLSServerContext(configuration)
            Issue.record("a missing certificate was accepted")
        } catch {
            #expect(error.kind == .certificate)
            #expect(error.operation.contains("missing.pem"))
            #expect(error.reasons.contains { $0.contains("No such file") || $0.contains("no such file") })
        }
    }

    @Test func aKeyThatDoesNotMatchIsReported() throws {
        var configuration = pki.serverConfiguration()
        configuration.privateKeyFile = pki.agents.keyFile
        do {
            _ = try TLSServerContext(configuration)
            Issue.record("a mismatched key was accepted")
        } catch {
            #expect(error.kind == .certificate)
            #expect(error.reasons.contains { $0.contains("values mismatch") || $0.contains("does not match") })
        }
    }

    @Test func aBadCipherListIsReported() throws {
        var configuration = pki.serverConfiguration()
        configuration.cipherList = "NOT-A-CIPHER"
        do {
            _ = try TLSServerContext(configuration)
            Issue.record("a bad cipher list was accepted")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.reasons.contains { $0.contains("no cipher match") })
        }
    }

    @Test func aBadALPNNameIsRejected() throws {
        var configuration = pki.serverConfiguration()
        configuration.alpnProtocols = [""]
        #expect(throws: TLSError.self) { try TLSServerContext(configuration) }
    }

    @Test func aSessionLifetimeAboveSevenDaysIsRejected() throws {
        var configuration = pki.serverConfiguration()
        configuration.sessionLifetime = 604_801
        #expect(throws: TLSError.self) { try TLSServerContext(configuration) }
    }

    // MARK: Reload (SIGHUP)

    @Test func aReloadLeavesLiveEnginesWorking() throws {
        var old: TLSServerContext? = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: old!, client: client)
        // A half-done handshake from the old context too.
        let pendingClient = try TLSEngine(client: client, serverName: "agents.example.com")
        let pendingServer = try TLSEngine(server: old!)
        _ = pendingClient.handshake()
        transfer(from: pendingClient, to: pendingServer)
        _ = pendingServer.handshake()

        // The Gateway builds a new context and drops its reference to the old one.
        var reloaded = pki.serverConfiguration()
        reloaded.sniCertificates.removeAll()
        let new = try TLSServerContext(reloaded, ticketKeys: old!.ticketKeys)
        old = nil

        #expect(try deliver(patternBytes(70_000), from: c, to: s) == patternBytes(70_000))
        #expect(try deliver(Array("still here".utf8), from: s, to: c) == Array("still here".utf8))
        #expect(interact(client: pendingClient, server: pendingServer).bothComplete)
        #expect(pendingClient.peerCertificateSHA256Fingerprint == pki.agents.fingerprint)

        // New connections get the new configuration: no SNI certificates any more.
        var noNames = pki.clientConfiguration()
        noNames.verification = .noHostnameVerification
        let (fresh, _) = try connectedPair(server: new, client: try TLSClientContext(noNames), serverName: "agents.example.com")
        #expect(fresh.peerCertificateSHA256Fingerprint == pki.defaultServer.fingerprint)
    }

    // MARK: Mutual TLS

    @Test func aRequiredClientCertificateIsVerified() throws {
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientAuthentication = .required(trustFile: pki.caFile)
        let server = try TLSServerContext(serverConfiguration)
        var configuration = pki.clientConfiguration()
        configuration.clientCertificateChainFile = pki.client.chainFile
        configuration.clientPrivateKeyFile = pki.client.keyFile
        let client = try TLSClientContext(configuration)
        let (c, s) = try connectedPair(server: server, client: client)
        #expect(s.peerCertificateSHA256Fingerprint == pki.client.fingerprint)
        #expect(try deliver([1, 2, 3], from: c, to: s) == [1, 2, 3])
    }

    @Test func aMissingRequiredClientCertificateFailsTheHandshake() throws {
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientAuthentication = .required(trustFile: pki.caFile)
        let server = try TLSServerContext(serverConfiguration)
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: "default.example")
        let s = try TLSEngine(server: server)
        let outcome = interact(client: c, server: s)
        let error = try #require(outcome.serverError)
        #expect(error.reasons.contains { $0.contains("peer did not return a certificate") })
        // TLS 1.3: the client finished first and learns of the failure on its next read.
        var buffer = [UInt8](repeating: 0, count: 64)
        if case .failed(let clientError) = buffer.withUnsafeMutableBytes({ c.readPlaintext(into: $0) }) {
            #expect(clientError.reasons.contains { $0.contains("certificate required") })
        } else if outcome.clientError == nil {
            Issue.record("the client never learned of the failure")
        }
    }

    @Test func anOptionalClientCertificateMayBeAbsent() throws {
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientAuthentication = .optional(trustFile: pki.caFile)
        let server = try TLSServerContext(serverConfiguration)
        let client = try TLSClientContext(pki.clientConfiguration())
        let (_, s) = try connectedPair(server: server, client: client)
        #expect(s.peerCertificateSHA256Fingerprint == nil)
    }

    @Test func anUntrustedClientCertificateIsRefused() throws {
        let stranger = try SelfSignedCertificate.ensure(in: makeTemporaryDirectory(), hosts: ["stranger"])
        var serverConfiguration = pki.serverConfiguration()
        serverConfiguration.clientAuthentication = .optional(trustFile: pki.caFile)
        let server = try TLSServerContext(serverConfiguration)
        var configuration = pki.clientConfiguration()
        configuration.clientCertificateChainFile = stranger.certificateFile
        configuration.clientPrivateKeyFile = stranger.keyFile
        let client = try TLSClientContext(configuration)
        let outcome = interact(client: try TLSEngine(client: client, serverName: "default.example"), server: try TLSEngine(server: server))
        let error = try #require(outcome.serverError)
        #expect(error.kind == .certificateVerification)
    }
}
