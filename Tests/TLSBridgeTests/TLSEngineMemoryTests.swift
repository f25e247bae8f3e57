import Glibc
import Testing
@testable import TLSBridge

/// What an idle connection costs: engines after a handshake and a message each way, measured as
/// the growth of glibc's in-use heap (`mallinfo2`) over many engines.
///
/// Other suites allocate concurrently in the same process, so the bound is loose; run this test
/// alone (`swift test --filter TLSEngineMemoryTests`) for the figure it prints.
@Suite(.serialized, .enabled(if: heapInUse() != nil, "needs mallinfo2 on x86-64"))
struct TLSEngineMemoryTests {
    let pki = TestPKI.shared

    /// Per-engine heap growth over `count` connected pairs: (server, client). Other suites run
    /// concurrently and move the figure either way, so callers take the smallest of a few runs.
    private func measureIdleEngines(count: Int, server: TLSServerContext, client: TLSClientContext) throws -> (server: Int, client: Int) {
        var clients: [TLSEngine] = []
        var servers: [TLSEngine] = []
        clients.reserveCapacity(count)
        servers.reserveCapacity(count)
        let message = patternBytes(600)
        let before = heapInUse()!
        for _ in 0..<count {
            let (c, s) = try connectedPair(server: server, client: client)
            _ = try deliver(message, from: c, to: s)
            _ = try deliver(message, from: s, to: c)
            clients.append(c)
            servers.append(s)
        }
        // What the Gateway does once a connection is quiet.
        for engine in clients + servers { engine.releaseIdleMemory() }
        let withBoth = heapInUse()!
        #expect(servers.allSatisfy { !$0.hasPendingCiphertext })
        clients.removeAll()
        let withServers = heapInUse()!
        return ((withServers - before) / count, (withBoth - withServers) / count)
    }

    @Test func anIdleEngineHoldsLittleMemory() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        var configuration = pki.clientConfiguration()
        configuration.sessionCacheCapacity = 0   // measure engines, not remembered sessions
        let client = try TLSClientContext(configuration)
        _ = try connectedPair(server: server, client: client)   // warm up lazily built OpenSSL state

        let runs = try (0..<3).map { _ in try measureIdleEngines(count: 200, server: server, client: client) }
        let serverEach = runs.map(\.server).min()!
        let clientEach = runs.map(\.client).min()!
        print("TLSBridge idle engine after handshake + 600 B each way: server \(serverEach) B, client \(clientEach) B")
        // OpenSSL 3.0's floor for a server connection is about 15 KB: the SSL object (7.6 KB), two
        // AEAD contexts (about 2.7 KB each), the session and the certificate slots. A client also
        // keeps the server's chain as parsed X509 objects (two here). The bounds catch a retained
        // 16 KiB record buffer or BIO buffer.
        #expect(serverEach < 17 * 1024, "server engine: \(serverEach) bytes")
        #expect(clientEach < 32 * 1024, "client engine: \(clientEach) bytes")
    }

    @Test func aBurstDoesNotStayAllocated() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(pki.clientConfiguration())
        let (c, s) = try connectedPair(server: server, client: client)
        _ = try deliver(patternBytes(4096), from: c, to: s)
        let upstream = patternBytes(1 << 20, seed: 3)
        let downstream = patternBytes(1 << 20, seed: 4)
        var kept: [Int] = []
        for _ in 0..<3 {
            let before = heapInUse()!
            // 1 MiB each way, drained completely: the memory BIOs must not keep a 1 MiB buffer.
            _ = try deliver(downstream, from: s, to: c)
            _ = try deliver(upstream, from: c, to: s)
            c.releaseIdleMemory()
            s.releaseIdleMemory()
            kept.append(heapInUse()! - before)
        }
        #expect(kept.min()! < 256 * 1024, "kept \(kept) bytes after a burst")
    }
}

/// glibc's `mallinfo2()`: bytes in use in all arenas plus mmapped blocks. Swift's Glibc module
/// leaves out <malloc.h>, so it is called through `dlsym`; the 80-byte struct comes back
/// through a caller-provided buffer, which on x86-64 (SysV: class MEMORY, address in %rdi)
/// is exactly a call with that address as first argument. Elsewhere the tests skip.
func heapInUse() -> Int? {
    #if arch(x86_64)
    guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallinfo2") else { return nil }
    typealias MallInfo2 = @convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer?
    let call = unsafeBitCast(symbol, to: MallInfo2.self)
    var fields = [Int](repeating: 0, count: 10)   // arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost
    fields.withUnsafeMutableBytes { _ = call($0.baseAddress!) }
    return fields[7] + fields[4]
    #else
    return nil
    #endif
}
