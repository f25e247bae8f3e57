import Foundation
import Testing
@testable import Gateway

/// The connection caps and the probe reserve beyond them (`limits.probeAddresses`,
/// `limits.probeConnections`, issue 18 defect 8).
@Suite struct ConnectionLimiterTests {
    @Test func probeAddressesGetTheReserveBeyondTheTotalCap() {
        let limiter = ConnectionLimiter(maxConnections: 2, maxPerAddress: 0, probeAddresses: ["127.0.0.1"], probeConnections: 1)
        #expect(limiter.admit("10.0.0.1") == .admitted)
        #expect(limiter.admit("10.0.0.2") == .admitted)
        #expect(limiter.admit("10.0.0.3") == .overCapacity)
        #expect(limiter.admit("127.0.0.1") == .admittedForProbes)
        #expect(limiter.admit("127.0.0.1") == .overCapacity, "the reserve is full")
        #expect(limiter.total == 3)
        limiter.release("127.0.0.1", probe: true)
        #expect(limiter.admit("127.0.0.1") == .admittedForProbes)
        // A regular place freed goes to whoever comes, a probe address included.
        limiter.release("10.0.0.1", probe: false)
        #expect(limiter.admit("127.0.0.1") == .admitted)
        #expect(limiter.total == 3)
    }

    @Test func probeAddressesGetTheReserveBeyondThePerAddressCap() {
        let limiter = ConnectionLimiter(maxConnections: 100, maxPerAddress: 1, probeAddresses: ["::1"], probeConnections: 2)
        #expect(limiter.admit("::1") == .admitted)
        #expect(limiter.admit("::1") == .admittedForProbes)
        #expect(limiter.admit("10.0.0.1") == .admitted)
        #expect(limiter.admit("10.0.0.1") == .overPerAddress)
    }

    @Test func withoutAReserveTheCapsAnswer() {
        let limiter = ConnectionLimiter(maxConnections: 1, maxPerAddress: 0, probeAddresses: ["127.0.0.1"], probeConnections: 0)
        #expect(limiter.admit("127.0.0.1") == .admitted)
        #expect(limiter.admit("127.0.0.1") == .overCapacity)
    }

    @Test func configuredProbeAddressesAreCheckedAndWrittenAsPeersAre() throws {
        var config = GatewayConfig()
        #expect(config.limits.probeAddresses == ["127.0.0.1", "::1"] && config.limits.probeConnections == 8)
        try config.apply(json: Data(#"{"limits":{"probeAddresses":["10.1.2.3","0:0::1","[fe80::1]"],"probeConnections":3,"messageTimeoutMilliseconds":1500}}"#.utf8))
        #expect(config.limits.probeAddresses == ["10.1.2.3", "::1", "fe80::1"])
        #expect(config.limits.probeConnections == 3 && config.limits.messageTimeoutMilliseconds == 1500)
        for bad in ["probe.example", "localhost", "10.1.2", ""] {
            var refused = GatewayConfig()
            #expect(throws: GatewayConfig.Error.self, "\(bad)") {
                try refused.apply(json: Data(#"{"limits":{"probeAddresses":["\#(bad)"]}}"#.utf8))
            }
        }
    }
}
