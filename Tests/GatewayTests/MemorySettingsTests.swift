import Foundation
import Testing
@testable import Gateway
@testable import WSFraming

/// The memory trade-offs as settings (docs/config.md): their defaults, the keys that change them,
/// and what the client role offers.
@Suite struct MemorySettingsTests {
    @Test func defaultsAreTheSmallOnes() {
        let config = GatewayConfig()
        #expect(config.limits.trimAfterCloses == 100 && config.limits.bufferReleaseMilliseconds == 250)
        #expect(config.permessageDeflate == PerMessageDeflateOptions(
            serverMaxWindowBits: 12, clientMaxWindowBits: 15, serverNoContextTakeover: false, clientNoContextTakeover: true,
            minimumSizeToCompress: 64, compressionLevel: 6, memoryLevel: 8))
    }

    @Test func keysChangeThem() throws {
        var config = GatewayConfig()
        try config.apply(json: Data(#"""
            {"limits": {"trimAfterCloses": 0, "bufferReleaseMilliseconds": 1000},
             "permessageDeflate": {"serverMaxWindowBits": 15, "clientNoContextTakeover": false, "memoryLevel": 4}}
            """#.utf8))
        #expect(config.limits.trimAfterCloses == 0 && config.limits.bufferReleaseMilliseconds == 1000)
        #expect(config.permessageDeflate == PerMessageDeflateOptions(serverMaxWindowBits: 15, clientNoContextTakeover: false, memoryLevel: 4))
        #expect(throws: GatewayConfig.Error.self) { try config.apply(json: Data(#"{"limits": {"trimAfterCloses": -1}}"#.utf8)) }
    }

    /// The client role asks an upstream for no window (`serverMaxWindowBits` is our own as a server)
    /// and announces that it resets its compressor, as the default says.
    @Test func theClientRoleRequestsNoServerWindow() throws {
        let config = GatewayConfig()
        let client = try #require(config.clientPermessageDeflate)
        #expect(PerMessageDeflateNegotiation.offer(options: client) == "permessage-deflate; client_no_context_takeover; client_max_window_bits")
        var disabled = GatewayConfig()
        disabled.permessageDeflate = nil
        #expect(disabled.clientPermessageDeflate == nil)
    }
}
