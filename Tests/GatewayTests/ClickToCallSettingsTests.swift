import Foundation
import ActionURLs
import Testing
@testable import Gateway
import AgentDelivery

/// The `clickToCall`, `actionURLs` and `lastCallers` sections (docs/config.md): defaults, every
/// key read, and each bad value refused by name.
struct ClickToCallSettingsTests {
    private func problem(_ json: String) -> String? {
        var config = GatewayConfig()
        do {
            try config.apply(json: Data(json.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func clickToCallKeysAreReadAndCheckedByName() throws {
        var config = GatewayConfig()
        #expect(config.clickToCall.enabled && config.clickToCall.dedupSeconds == 5 && config.clickToCall.apiKeys.isEmpty)
        try config.apply(json: Data(#"""
            {"clickToCall": {"enabled": false, "defaultCountry": "7", "trunkPrefix": "8", "nationalNumberDigits": 10,
             "dedupSeconds": 2, "trustedAddresses": ["10.0.0.2"], "linkMaxDurationSeconds": 600,
             "apiKeys": [{"key": "server-key-0123456789"}, {"key": "alice-key-0123456789", "user": "alice"}]}}
            """#.utf8))
        let settings = config.clickToCall
        #expect(!settings.enabled && settings.dedupSeconds == 2 && settings.trustedAddresses == ["10.0.0.2"])
        #expect(settings.linkMaxDurationSeconds == 600)
        #expect(settings.key(matching: "server-key-0123456789")?.user == nil)
        #expect(settings.key(matching: "server-key-0123456789") != nil)
        #expect(settings.key(matching: "alice-key-0123456789")?.user == "alice")
        #expect(settings.key(matching: "alice-key-012345678") == nil)
        #expect(settings.key(matching: String(repeating: "k", count: 300)) == nil)
        let plan = try settings.numberPlan(directoryCountry: "420", isExtension: { _ in false })
        #expect(plan.defaultCountry == "7" && plan.trunkPrefix == "8" && plan.nationalNumberDigits == 10)
        #expect(try GatewayConfig().clickToCall.numberPlan(directoryCountry: "420", isExtension: { _ in false }).defaultCountry == "420")

        #expect(problem(#"{"clickToCall":{"apiKeys":[{"key":"short"}]}}"#)?.contains("clickToCall.apiKeys[0]: needs key or keyFile of 16") == true)
        #expect(problem(#"{"clickToCall":{"apiKeys":[{"user":"alice"}]}}"#)?.contains("clickToCall.apiKeys[0]") == true)
        #expect(problem(#"{"clickToCall":{"apiKeys":[{"key":"server-key-0123456789","role":"x"}]}}"#)?.contains("clickToCall.apiKeys[0].role: unknown key") == true)
        #expect(problem(#"{"clickToCall":{"apiKeys":[{"keyFile":"/nonexistent/key"}]}}"#)?.contains("cannot read") == true)
        #expect(problem(#"{"clickToCall":{"nationalNumberDigits":3}}"#)?.contains("clickToCall.nationalNumberDigits") == true)
        #expect(problem(#"{"clickToCall":{"dedupSeconds":0}}"#)?.contains("clickToCall.dedupSeconds") == true)
        #expect(problem(#"{"clickToCall":{"number":"x"}}"#)?.contains("clickToCall.number: unknown key") == true)
        var bad = GatewayConfig()
        try bad.apply(json: Data(#"{"clickToCall":{"defaultCountry":"042"}}"#.utf8))
        #expect(throws: GatewayConfig.Error.self) { try bad.clickToCall.numberPlan(directoryCountry: "420", isExtension: { _ in false }) }
    }

    @Test func actionURLKeysAreReadAndTemplatesCheckedAtStart() throws {
        var config = GatewayConfig()
        #expect(config.actionURLs.targets.isEmpty && config.actionURLs.retry == ActionURLRetryPolicy())
        try config.apply(json: Data(#"""
            {"actionURLs": {"targets": ["https://crm.example/hook?a=<$action>&n=<$remote_party>"], "maxAttempts": 3,
             "baseDelayMilliseconds": 100, "maxDelayMilliseconds": 1000, "timeoutMilliseconds": 2000, "queueCapacity": 8,
             "deviceUTCOffsetSeconds": 3600, "targetUTCOffsetSeconds": -3600, "deviceAddresses": ["10.0.0.7"],
             "verifyCertificates": false}}
            """#.utf8))
        let settings = config.actionURLs
        #expect(settings.targets.count == 1 && settings.targets[0].host == "crm.example" && settings.targets[0].isTLS)
        #expect(settings.retry == ActionURLRetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 100, maxDelayMilliseconds: 1000,
                                                       timeoutMilliseconds: 2000, queueCapacity: 8))
        #expect(settings.deviceUTCOffsetSeconds == 3600 && settings.targetUTCOffsetSeconds == -3600)
        #expect(settings.deviceAddresses == ["10.0.0.7"] && !settings.verifyCertificates)
        #expect(problem(#"{"actionURLs":{"targets":["http://<$local_party>.crm/"]}}"#)?.contains("actionURLs.targets[0]") == true)
        #expect(problem(#"{"actionURLs":{"targets":["ftp://crm/"]}}"#)?.contains("actionURLs.targets[0]") == true)
        #expect(problem(#"{"actionURLs":{"baseDelayMilliseconds":2000,"maxDelayMilliseconds":1000}}"#)?.contains("actionURLs.maxDelayMilliseconds") == true)
        #expect(problem(#"{"actionURLs":{"maxAttempts":0}}"#)?.contains("actionURLs.maxAttempts") == true)
    }

    @Test func theSharedQueuesLeaseHasDefaultsAndMustBeRenewedTwicePerLease() throws {
        var config = GatewayConfig()
        #expect(config.actionURLs.lease == QueueLease.Settings(leaseMilliseconds: 5_000, renewMilliseconds: 1_000, scanMilliseconds: 1_000))
        try config.apply(json: Data(#"{"actionURLs":{"leaseMilliseconds":1500,"leaseRenewMilliseconds":300,"leaseScanMilliseconds":250}}"#.utf8))
        #expect(config.actionURLs.lease == QueueLease.Settings(leaseMilliseconds: 1_500, renewMilliseconds: 300, scanMilliseconds: 250))
        #expect(problem(#"{"actionURLs":{"leaseMilliseconds":1000,"leaseRenewMilliseconds":600}}"#)?
            .contains("actionURLs.leaseRenewMilliseconds: must be at most half") == true)
        #expect(problem(#"{"actionURLs":{"leaseScanMilliseconds":0}}"#)?.contains("actionURLs.leaseScanMilliseconds") == true)
    }

    @Test func lastCallersKeysAreReadAndTheTokenKeyIsLongEnough() throws {
        var config = GatewayConfig()
        #expect(config.lastCallers.historyLength == 3 && config.lastCallers.tokenSeconds == 90 * 86_400)
        try config.apply(json: Data(#"{"lastCallers":{"historyLength":5,"capacity":10,"tokenSecret":"0123456789abcdef0123456789abcdef","tokenSeconds":3600}}"#.utf8))
        #expect(config.lastCallers.historyLength == 5 && config.lastCallers.capacity == 10 && config.lastCallers.tokenSeconds == 3600)
        #expect(config.lastCallers.tokenSecret?.count == 32)
        #expect(problem(#"{"lastCallers":{"tokenSecret":"short"}}"#)?.contains("lastCallers.tokenSecret: must be at least 32") == true)
        #expect(problem(#"{"lastCallers":{"tokenSeconds":40000000}}"#)?.contains("lastCallers.tokenSeconds") == true)
        #expect(problem(#"{"lastCallers":{"historyLength":0}}"#)?.contains("lastCallers.historyLength") == true)
    }
}
