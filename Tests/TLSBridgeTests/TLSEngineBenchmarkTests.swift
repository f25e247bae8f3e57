import Glibc
import Testing
@testable import TLSBridge

/// Handshake cost in memory, server side only (time spent inside the server engine's calls).
/// Opt-in: `TLSBRIDGE_BENCHMARK=1 swift test --filter TLSEngineBenchmarkTests`.
@Suite(.serialized, .enabled(if: getenv("TLSBRIDGE_BENCHMARK") != nil, "set TLSBRIDGE_BENCHMARK=1"))
struct TLSEngineBenchmarkTests {
    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs `count` handshakes; returns server-side handshakes per second and the reuse ratio.
    private func run(count: Int, server: TLSServerContext, client: TLSClientContext) throws -> (perSecond: Double, reused: Double) {
        var serverTime = 0.0
        var reused = 0
        for _ in 0..<count {
            let c = try TLSEngine(client: client, serverName: "default.example")
            var start = Self.now()
            let s = try TLSEngine(server: server)
            serverTime += Self.now() - start
            _ = c.handshake()
            var serverDone = false
            for _ in 0..<10 {
                let sent = transfer(from: c, to: s)
                start = Self.now()
                if !serverDone { serverDone = s.handshake() == .complete }
                serverTime += Self.now() - start
                let answered = transfer(from: s, to: c)
                _ = c.handshake()
                if !sent && !answered { break }
            }
            var scratch = [UInt8](repeating: 0, count: 64)
            _ = scratch.withUnsafeMutableBytes { c.readPlaintext(into: $0) }   // tickets
            if s.sessionReused { reused += 1 }
            #expect(serverDone)
        }
        return (Double(count) / serverTime, Double(reused) / Double(count))
    }

    @Test func handshakesPerSecond() throws {
        let directory = makeTemporaryDirectory()
        let certificate = try SelfSignedCertificate.ensure(in: directory, hosts: ["default.example"])
        let server = try TLSServerContext(TLSServerConfiguration(certificateChainFile: certificate.certificateFile,
                                                                 privateKeyFile: certificate.keyFile))
        var noResumption = TLSClientConfiguration(trustRoots: .file(certificate.certificateFile))
        noResumption.sessionCacheCapacity = 0
        let full = try run(count: 500, server: server, client: try TLSClientContext(noResumption))
        let resuming = try TLSClientContext(TLSClientConfiguration(trustRoots: .file(certificate.certificateFile)))
        let resumed = try run(count: 500, server: server, client: resuming)
        var tls12 = noResumption
        tls12.maximumVersion = .tls12
        let full12 = try run(count: 500, server: server, client: try TLSClientContext(tls12))
        tls12.sessionCacheCapacity = 16
        let resumed12 = try run(count: 500, server: server, client: try TLSClientContext(tls12))
        print("TLSBridge server handshakes/s (ECDSA P-256, X25519): TLS 1.3 full \(Int(full.perSecond)), resumed \(Int(resumed.perSecond)) (\(Int(resumed.reused * 100))% reused); TLS 1.2 full \(Int(full12.perSecond)), resumed \(Int(resumed12.perSecond)) (\(Int(resumed12.reused * 100))% reused)")
    }
}
