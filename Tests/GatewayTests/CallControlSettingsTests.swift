import Foundation
import Testing
@testable import Gateway

/// The `callControl` and `switchboard` sections and `callgate switchboard` (docs/config.md):
/// defaults, every key read, and each bad value refused by name.
struct CallControlSettingsTests {
    private func validated(_ json: String) -> String? {
        var config = GatewayConfig()
        config.listen = ["127.0.0.1:0"]
        do {
            try config.apply(json: Data(json.utf8))
            try config.validate()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theEmbeddedSwitchboardIsTheDefault() throws {
        #expect(GatewayConfig().callControl.backend == .embedded)
        #expect(validated("{}") == nil)
        #expect(validated(#"{"callControl":{"backend":"embedded"}}"#) == nil)
    }

    @Test func aURLMeansTheRemoteBackEndAndEveryKeyIsRead() throws {
        var config = GatewayConfig()
        try config.apply(json: Data(#"""
            {"callControl": {"url": "ws://10.0.0.7:7070/callcontrol", "secret": "0123456789abcdef",
             "requestTimeoutMilliseconds": 1500, "connectTimeoutMilliseconds": 900, "reconnectBaseMilliseconds": 20,
             "reconnectCapMilliseconds": 700, "maxPendingRequests": 12, "tls": {"caFile": "/etc/callgate/sb-ca.pem", "verify": "chain"}}}
            """#.utf8))
        let settings = config.callControl
        #expect(settings.backend == .remote && settings.url == "ws://10.0.0.7:7070/callcontrol")
        #expect(settings.secret == Array("0123456789abcdef".utf8))
        #expect(settings.requestTimeoutMilliseconds == 1500 && settings.connectTimeoutMilliseconds == 900)
        #expect(settings.reconnectBaseMilliseconds == 20 && settings.reconnectCapMilliseconds == 700)
        #expect(settings.maxPendingRequests == 12)
        #expect(settings.tls.trustRoots == .file("/etc/callgate/sb-ca.pem") && settings.tls.verification == .noHostnameVerification)
        try settings.validate()
    }

    @Test func badRemoteSettingsAreRefusedByName() {
        #expect(validated(#"{"callControl":{"backend":"remote"}}"#)?.contains("callControl.url") == true)
        #expect(validated(#"{"callControl":{"backend":"teleport"}}"#)?.contains("callControl.backend") == true)
        #expect(validated(#"{"callControl":{"url":"http://x/"}}"#)?.contains("callControl.url") == true)
        #expect(validated(#"{"callControl":{"url":"ws://127.0.0.1:1/callcontrol"}}"#)?.contains("callControl.secret") == true)
        #expect(validated(#"{"callControl":{"url":"ws://127.0.0.1:1/","secret":"short"}}"#)?.contains("callControl.secret") == true)
        #expect(validated(#"{"callControl":{"url":"ws://127.0.0.1:1/","secret":"has a space in it!"}}"#)?.contains("callControl.secret") == true)
        #expect(validated(#"{"callControl":{"url":"ws://127.0.0.1:1/","secret":"0123456789abcdef","reconnectBaseMilliseconds":900,"reconnectCapMilliseconds":100}}"#)?
            .contains("callControl.reconnectCapMilliseconds") == true)
        #expect(validated(#"{"callControl":{"requestTimeoutMilliseconds":5}}"#)?.contains("callControl.requestTimeoutMilliseconds") == true)
        #expect(validated(#"{"callControl":{"urll":"ws://x/"}}"#)?.contains("callControl.urll") == true)
        #expect(validated(#"{"callControl":{"tls":{"verify":"maybe"}}}"#)?.contains("tls.verify") == true)
    }

    @Test func theServiceNeedsAListenerAndASecretAndRunsOneLoop() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-switchboard-\(getpid()).json")
        try Data(#"{"switchboard":{"secret":"0123456789abcdef","eventsKept":50}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        guard case .run(let config) = try CommandLineOptions.parse(["switchboard", "--listen", "127.0.0.1:0", "--config", file.path,
                                                                    "--threads", "4"]) else {
            Issue.record("callgate switchboard did not parse to a run")
            return
        }
        #expect(config.switchboard.serving && config.switchboard.eventsKept == 50)
        #expect(config.threads == 1 && config.listen == ["127.0.0.1:0"] && config.tls.listen.isEmpty)
        #expect(throws: (any Error).self) { try CommandLineOptions.parse(["switchboard", "--config", file.path]) }
        #expect(throws: (any Error).self) { try CommandLineOptions.parse(["switchboard", "--listen", "127.0.0.1:0"]) }
        // The section alone does not make a gateway a service.
        guard case .run(let gateway) = try CommandLineOptions.parse(["--listen", "127.0.0.1:0", "--config", file.path]) else { return }
        #expect(!gateway.switchboard.serving)
    }
}
