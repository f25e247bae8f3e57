import Testing
@testable import TLSBridge

/// `TLSEngine.pump` and `writeAll`, the one pump of the server connections and the Action URL
/// client, driven by two engines in memory.
@Suite struct TLSEnginePumpTests {
    let pki = TestPKI.shared

    /// Moves `from`'s ciphertext into `to` through `pump`, collecting what decrypts.
    private func pump(from: TLSEngine, to: TLSEngine, chunk: Int = .max, completed: inout Int, received: inout [UInt8],
                      stopAfter: Int = .max) -> [TLSEngine.PumpResult] {
        var ciphertext: [UInt8] = []
        from.takeCiphertext(into: &ciphertext)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var results: [TLSEngine.PumpResult] = []
        var start = 0
        var deliveries = 0
        while start < ciphertext.count {
            let end = min(ciphertext.count, start + chunk)
            let result = ciphertext[start..<end].withUnsafeBytes { piece in
                buffer.withUnsafeMutableBytes { plaintext in
                    to.pump(ciphertext: piece, into: plaintext, handshakeCompleted: { completed += 1; return true },
                            deliver: { bytes in
                                received += bytes
                                deliveries += 1
                                return deliveries < stopAfter
                            })
                }
            }
            results.append(result)
            start = end
        }
        return results
    }

    @Test(arguments: [Int.max, 1, 7]) func handshakeDataAndCloseNotify(chunk: Int) throws {
        let client = try TLSEngine(client: TLSClientContext(pki.clientConfiguration()), serverName: "localhost")
        let server = try TLSEngine(server: TLSServerContext(pki.serverConfiguration()))
        #expect(client.handshake() == .wantRead)
        var clientCompleted = 0, serverCompleted = 0
        var atClient: [UInt8] = [], atServer: [UInt8] = []
        for _ in 0..<10 {
            _ = pump(from: client, to: server, chunk: chunk, completed: &serverCompleted, received: &atServer)
            _ = pump(from: server, to: client, chunk: chunk, completed: &clientCompleted, received: &atClient)
        }
        #expect(clientCompleted == 1 && serverCompleted == 1)
        // More than one record's worth, both ways: writeAll seals it in pieces.
        let payload = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(payload.withUnsafeBytes { client.writeAll($0) } == nil)
        #expect(Array(payload.reversed()).withUnsafeBytes { server.writeAll($0) } == nil)
        let serverResults = pump(from: client, to: server, chunk: chunk, completed: &serverCompleted, received: &atServer)
        _ = pump(from: server, to: client, chunk: chunk, completed: &clientCompleted, received: &atClient)
        #expect(atServer == payload && atClient == payload.reversed())
        #expect(serverResults.last == .wantRead && clientCompleted == 1 && serverCompleted == 1)
        client.shutdown()
        #expect(pump(from: client, to: server, chunk: chunk, completed: &serverCompleted, received: &atServer).last == .closed)
    }

    @Test func deliverCanStopThePump() throws {
        let client = try TLSEngine(client: TLSClientContext(pki.clientConfiguration()), serverName: "localhost")
        let server = try TLSEngine(server: TLSServerContext(pki.serverConfiguration()))
        #expect(interact(client: client, server: server).bothComplete)
        for message in ["one", "two", "three"] {
            #expect(Array(message.utf8).withUnsafeBytes { client.writeAll($0) } == nil)
        }
        var completed = 0
        var received: [UInt8] = []
        let results = pump(from: client, to: server, completed: &completed, received: &received, stopAfter: 1)
        #expect(results == [.stopped] && received == Array("one".utf8) && completed == 0)
    }

    @Test func garbageFailsTheHandshakeAndWritingBeforeItIsRefused() throws {
        let server = try TLSEngine(server: TLSServerContext(pki.serverConfiguration()))
        #expect(Array("hello".utf8).withUnsafeBytes { server.writeAll($0) } != nil)
        var buffer = [UInt8](repeating: 0, count: 256)
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let result = garbage.withUnsafeBytes { bytes in
            buffer.withUnsafeMutableBytes { server.pump(ciphertext: bytes, into: $0, handshakeCompleted: { true }, deliver: { _ in true }) }
        }
        guard case .handshakeFailed(let error) = result else {
            Issue.record("expected a failed handshake, got \(result)")
            return
        }
        #expect(!error.reasons.isEmpty)
    }
}
