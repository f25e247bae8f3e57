import Testing
@testable import TLSBridge

@Suite struct TLSEngineTests {
    let pki = TestPKI.shared

    @Test func handshakeCompletesInMemoryWithTLS13() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        #expect(c.isHandshakeComplete && s.isHandshakeComplete)
        #expect(c.protocolVersion == .tls13)
        #expect(s.protocolVersion?.description == "TLSv1.3")
        #expect(c.cipherName == s.cipherName)
        #expect(c.cipherName?.hasPrefix("TLS_") == true)
        #expect(!c.sessionReused)
        #expect(c.peerCertificateSHA256Fingerprint == pki.defaultServer.fingerprint)
        #expect(s.peerCertificateSHA256Fingerprint == nil)
        #expect(!c.hasPendingCiphertext && !s.hasPendingCiphertext)
    }

    @Test func handshakeSurvivesCiphertextDeliveredOneByteAtATime() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: "agents.example.com")
        let s = try TLSEngine(server: server)
        let outcome = interact(client: c, server: s, chunk: 1)
        #expect(outcome.bothComplete)
        #expect(try deliver(Array("hello".utf8), from: c, to: s) == Array("hello".utf8))
    }

    @Test(arguments: [1, 2, 3, 5, 100, 1_000])
    func handshakeSurvivesEverySlicing(chunk: Int) throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: "default.example")
        let s = try TLSEngine(server: server)
        #expect(interact(client: c, server: s, chunk: chunk).bothComplete)
    }

    @Test func tinyMessagesBothWays() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        #expect(try deliver([0x2A], from: c, to: s) == [0x2A])
        #expect(try deliver([0x17], from: s, to: c) == [0x17])
        for length in [2, 15, 16, 17, 125, 126] {
            let payload = patternBytes(length, seed: UInt8(length))
            #expect(try deliver(payload, from: c, to: s) == payload)
            #expect(try deliver(payload, from: s, to: c) == payload)
        }
        // An empty write is a no-op, not an error.
        #expect([UInt8]().withUnsafeBytes { c.writePlaintext($0) } == .written(0))
    }

    @Test func oneMebibyteBothWays() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        let upstream = patternBytes(1 << 20, seed: 1)
        let downstream = patternBytes(1 << 20, seed: 2)
        #expect(try deliver(upstream, from: c, to: s) == upstream)
        #expect(try deliver(downstream, from: s, to: c) == downstream)
    }

    @Test func oneWriteTakesAtMostMaximumWriteSize() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, _) = try connectedPair(server: server, client: client)
        let payload = patternBytes(TLSEngine.maximumWriteSize * 2)
        guard case .written(let count) = payload.withUnsafeBytes({ c.writePlaintext($0) }) else {
            Issue.record("write failed")
            return
        }
        #expect(count > 0 && count <= TLSEngine.maximumWriteSize)
        #expect(c.pendingCiphertextCount > count)   // record headers and tags
    }

    @Test func takeCiphertextIntoABufferDrainsInPieces() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        let payload = patternBytes(3_000)
        _ = payload.withUnsafeBytes { c.writePlaintext($0) }
        var buffer = [UInt8](repeating: 0, count: 1_000)
        var ciphertext: [UInt8] = []
        while c.hasPendingCiphertext {
            let count = buffer.withUnsafeMutableBytes { c.takeCiphertext(into: $0) }
            ciphertext += buffer[0..<count]
        }
        #expect(ciphertext.count > payload.count)
        ciphertext.withUnsafeBytes { s.receive(ciphertext: $0) }
        var plaintext = [UInt8](repeating: 0, count: 4_096)
        let result = plaintext.withUnsafeMutableBytes { s.readPlaintext(into: $0) }
        #expect(result == .bytes(3_000))
        #expect(Array(plaintext[0..<3_000]) == payload)
    }

    @Test func closeNotifyReadsAsClosedAndIsAnswered() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        c.shutdown()
        #expect(c.hasPendingCiphertext)
        transfer(from: c, to: s)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(buffer.withUnsafeMutableBytes { s.readPlaintext(into: $0) } == .closed)
        // RFC 8446 §6.1: the receiver answers with its own close_notify.
        s.shutdown()
        transfer(from: s, to: c)
        #expect(buffer.withUnsafeMutableBytes { c.readPlaintext(into: $0) } == .closed)
        // Writing after shutdown is refused.
        guard case .failed(let error) = [1, 2, 3].withUnsafeBytes({ c.writePlaintext($0) }) else {
            Issue.record("write after shutdown succeeded")
            return
        }
        #expect(error.kind == .notReady)
    }

    @Test func dataBeforeCloseNotifyIsStillDelivered() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        _ = Array("bye".utf8).withUnsafeBytes { c.writePlaintext($0) }
        c.shutdown()
        transfer(from: c, to: s)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(buffer.withUnsafeMutableBytes { s.readPlaintext(into: $0) } == .bytes(3))
        #expect(buffer.withUnsafeMutableBytes { s.readPlaintext(into: $0) } == .closed)
    }

    @Test func garbageBeforeTheHandshakeFailsWithAReason() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let s = try TLSEngine(server: server)
        Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { s.receive(ciphertext: $0) }
        guard case .failed(let error) = s.handshake() else {
            Issue.record("plain HTTP was accepted as TLS")
            return
        }
        #expect(error.kind == .handshake)
        #expect(!error.reasons.isEmpty)
        #expect(error.reasons.contains { $0.contains("wrong version number") || $0.contains("http request") })
        #expect(error.description.contains("SSL_do_handshake"))
        // The failure sticks: later calls report it again instead of an empty error queue.
        #expect(s.handshake() == .failed(error))
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(buffer.withUnsafeMutableBytes { s.readPlaintext(into: $0) } == .failed(error))
    }

    @Test func garbageAfterTheHandshakeFailsWithAReason() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (_, s) = try connectedPair(server: server, client: client)
        // A well-formed application-data record header with random contents: the AEAD tag fails.
        let garbage: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x20] + patternBytes(32)
        garbage.withUnsafeBytes { s.receive(ciphertext: $0) }
        var buffer = [UInt8](repeating: 0, count: 64)
        guard case .failed(let error) = buffer.withUnsafeMutableBytes({ s.readPlaintext(into: $0) }) else {
            Issue.record("garbage was decrypted")
            return
        }
        #expect(error.kind == .protocolViolation)
        #expect(error.reasons.contains { $0.contains("decryption failed") || $0.contains("bad record mac") })
        // The alert that tells the peer why waits to be sent.
        #expect(s.hasPendingCiphertext)
    }

    @Test func tamperedCiphertextFails() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        _ = Array("call 100".utf8).withUnsafeBytes { c.writePlaintext($0) }
        var ciphertext: [UInt8] = []
        c.takeCiphertext(into: &ciphertext)
        ciphertext[ciphertext.count - 1] ^= 0x01
        ciphertext.withUnsafeBytes { s.receive(ciphertext: $0) }
        var buffer = [UInt8](repeating: 0, count: 64)
        guard case .failed(let error) = buffer.withUnsafeMutableBytes({ s.readPlaintext(into: $0) }) else {
            Issue.record("tampered record was accepted")
            return
        }
        #expect(!error.reasons.isEmpty)
    }

    @Test func writingBeforeTheHandshakeIsRefused() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let s = try TLSEngine(server: server)
        guard case .failed(let error) = [1].withUnsafeBytes({ s.writePlaintext($0) }) else {
            Issue.record("write before handshake succeeded")
            return
        }
        #expect(error.kind == .notReady)
        #expect(s.protocolVersion == nil)
    }

    @Test func aClientStartsWithAClientHello() throws {
        let client = try TLSClientContext(pki.clientConfiguration())
        let c = try TLSEngine(client: client, serverName: "default.example")
        #expect(c.handshake() == .wantRead)
        var hello: [UInt8] = []
        c.takeCiphertext(into: &hello)
        // RFC 8446 §5.1: handshake record (22), legacy version 0x0301 for the first ClientHello
        // (§5.1: "MUST be set to 0x0303 … except for the initial ClientHello … 0x0301"), then §4.1.2 type 1.
        #expect(hello.count > 9)
        #expect(hello[0] == 22)
        #expect(hello[5] == 1)
        #expect(!c.hasPendingCiphertext)
        #expect(c.serverName == "default.example")
    }
}
