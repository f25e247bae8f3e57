import Testing
@testable import TLSBridge

/// Session resumption with tickets (RFC 8446 §2.2 and §4.6.1; RFC 5077 for TLS 1.2) and the
/// rotation of the keys that seal them.
@Suite struct TLSSessionTicketKeysTests {
    let pki = TestPKI.shared

    private func client(maximumVersion: TLSVersion? = nil) throws -> TLSClientContext {
        var configuration = pki.clientConfiguration()
        configuration.maximumVersion = maximumVersion
        return try TLSClientContext(configuration)
    }

    @Test(arguments: [TLSVersion.tls13, .tls12])
    func aSecondConnectionResumes(version: TLSVersion) throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try client(maximumVersion: version)
        let (first, _) = try connectedPair(server: server, client: client)
        #expect(!first.sessionReused)
        #expect(client.rememberedSessionCount == 1)
        let (second, secondServer) = try connectedPair(server: server, client: client)
        #expect(second.sessionReused)
        #expect(secondServer.sessionReused)
        #expect(second.protocolVersion == version)
        // The resumed connection carries data, and leaves a session for the next one.
        #expect(try deliver([9, 8, 7], from: second, to: secondServer) == [9, 8, 7])
        let (third, _) = try connectedPair(server: server, client: client)
        #expect(third.sessionReused)
    }

    @Test(arguments: [TLSVersion.tls13, .tls12])
    func aTicketSurvivesOneRotation(version: TLSVersion) throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try client(maximumVersion: version)
        _ = try connectedPair(server: server, client: client)
        try server.rotateTicketKeys()
        let (second, _) = try connectedPair(server: server, client: client)
        #expect(second.sessionReused)
    }

    @Test(arguments: [TLSVersion.tls13, .tls12])
    func aTicketDoesNotSurviveTwoRotations(version: TLSVersion) throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try client(maximumVersion: version)
        _ = try connectedPair(server: server, client: client)
        try server.rotateTicketKeys()
        try server.rotateTicketKeys()
        let (second, _) = try connectedPair(server: server, client: client)
        #expect(!second.sessionReused)
        // The full handshake issued a fresh ticket under the current key.
        let (third, _) = try connectedPair(server: server, client: client)
        #expect(third.sessionReused)
    }

    @Test func aTicketRenewedAfterOneRotationSurvivesTheNext() throws {
        // TLS 1.2: a ticket opened with the previous key is replaced by one under the current key.
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try client(maximumVersion: .tls12)
        _ = try connectedPair(server: server, client: client)
        try server.rotateTicketKeys()
        let (renewed, _) = try connectedPair(server: server, client: client)
        #expect(renewed.sessionReused)
        try server.rotateTicketKeys()
        let (after, _) = try connectedPair(server: server, client: client)
        #expect(after.sessionReused)
    }

    @Test func aReloadedContextSharingTheKeysResumes() throws {
        let old = try TLSServerContext(pki.serverConfiguration())
        let client = try client()
        _ = try connectedPair(server: old, client: client)
        let reloaded = try TLSServerContext(pki.serverConfiguration(), ticketKeys: old.ticketKeys)
        let (second, _) = try connectedPair(server: reloaded, client: client)
        #expect(second.sessionReused)
    }

    /// Two servers (two gateway instances) that install the same material open each other's
    /// tickets, also after the next period's key became current; material of another length is refused.
    @Test(arguments: [TLSVersion.tls13, .tls12])
    func serversSharingKeyMaterialResumeEachOthersTickets(version: TLSVersion) throws {
        let shared = try TLSSessionTicketKeys.newMaterial(), next = try TLSSessionTicketKeys.newMaterial()
        #expect(shared.count == 80 && shared != next)
        let (a, b) = (try TLSSessionTicketKeys(), try TLSSessionTicketKeys())
        try a.install(current: shared, previous: nil)
        try b.install(current: shared, previous: nil)
        let first = try TLSServerContext(pki.serverConfiguration(), ticketKeys: a)
        let second = try TLSServerContext(pki.serverConfiguration(), ticketKeys: b)
        let client = try client(maximumVersion: version)
        _ = try connectedPair(server: first, client: client)
        let (resumed, _) = try connectedPair(server: second, client: client)
        #expect(resumed.sessionReused)
        try a.install(current: next, previous: shared)
        let (rotated, _) = try connectedPair(server: first, client: client)
        #expect(rotated.sessionReused)
        try b.install(current: try TLSSessionTicketKeys.newMaterial(), previous: nil)
        let (unrelated, _) = try connectedPair(server: second, client: client)
        #expect(!unrelated.sessionReused)
        #expect(throws: TLSError.self) { try a.install(current: Array(shared.dropLast()), previous: nil) }
    }

    @Test func aContextWithItsOwnKeysDoesNotResumeAnothersTickets() throws {
        let first = try TLSServerContext(pki.serverConfiguration())
        let client = try client()
        _ = try connectedPair(server: first, client: client)
        let other = try TLSServerContext(pki.serverConfiguration())
        let (second, _) = try connectedPair(server: other, client: client)
        #expect(!second.sessionReused)
    }

    @Test func ticketsOffMeansFullHandshakes() throws {
        var configuration = pki.serverConfiguration()
        configuration.sessionTickets = false
        let server = try TLSServerContext(configuration)
        let client = try client()
        _ = try connectedPair(server: server, client: client)
        let (second, _) = try connectedPair(server: server, client: client)
        #expect(!second.sessionReused)
    }

    @Test func ticketsOffWithAServerCacheResumes() throws {
        var configuration = pki.serverConfiguration()
        configuration.sessionTickets = false
        configuration.sessionCacheSize = 100
        let server = try TLSServerContext(configuration)
        let client = try client()
        _ = try connectedPair(server: server, client: client)
        let (second, _) = try connectedPair(server: server, client: client)
        #expect(second.sessionReused)
    }

    @Test func aTLS13SessionIsUsedOnce() throws {
        // RFC 8446 §C.4: a client should not reuse a ticket; the cache hands it out once.
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try client()
        _ = try connectedPair(server: server, client: client)
        let resuming = try TLSEngine(client: client, serverName: "default.example")
        #expect(client.rememberedSessionCount == 0)
        let other = try TLSEngine(client: client, serverName: "default.example")
        #expect(interact(client: resuming, server: try TLSEngine(server: server)).bothComplete)
        #expect(interact(client: other, server: try TLSEngine(server: server)).bothComplete)
        #expect(resuming.sessionReused)
        #expect(!other.sessionReused)
    }

    @Test func contextsServeManyThreadsWhileKeysRotate() async throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try client()
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var count = 0
                    for round in 0..<40 {
                        let name = ["default.example", "agents.example.com", "eu.crm.example.com"][(worker + round) % 3]
                        let c = try TLSEngine(client: client, serverName: name, sessionCacheKey: "\(name)#\(worker)")
                        let s = try TLSEngine(server: server)
                        if interact(client: c, server: s).bothComplete,
                           try deliver([UInt8(worker), UInt8(round)], from: c, to: s) == [UInt8(worker), UInt8(round)] {
                            count += 1
                        }
                    }
                    return count
                }
            }
            group.addTask {
                for _ in 0..<20 {
                    try server.rotateTicketKeys()
                    await Task.yield()
                }
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(completed == 160)
    }

    @Test func keyNamesAreLookedUp() throws {
        let keys = try TLSSessionTicketKeys()
        let first = keys.encryptionKey()
        #expect(keys.decryptionKey(named: first.name)?.isCurrent == true)
        try keys.rotate()
        let second = keys.encryptionKey()
        #expect(first !== second)
        #expect(keys.decryptionKey(named: first.name)?.isCurrent == false)
        #expect(keys.decryptionKey(named: second.name)?.isCurrent == true)
        try keys.rotate()
        #expect(keys.decryptionKey(named: first.name) == nil)
        let unknown = [UInt8](repeating: 0, count: TicketKey.nameLength)
        #expect(unknown.withUnsafeBytes { keys.decryptionKey(named: $0) } == nil)
    }
}
