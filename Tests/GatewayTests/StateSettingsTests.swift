import Foundation
import Testing
@testable import Gateway

/// The `state` settings (docs/config.md `state`): memory by default, Redis from a URL with the
/// client's limits, errors that name the key; and the channel names the engine uses.
@Suite struct StateSettingsTests {
    @Test func memoryIsTheDefault() {
        let config = GatewayConfig()
        #expect(config.state.engine == .memory && config.state.keyPrefix == "callgate" && config.state.positionTTLSeconds == 86_400)
        #expect(config.state.presenceHeartbeatMilliseconds == 1_000 && config.state.presenceTimeoutMilliseconds == 5_000)
        #expect(config.state.presenceAnswerMilliseconds == 300 && config.state.linkLeaseMilliseconds == 15_000)
    }

    @Test func presenceAndLeaseFromTheConfigurationFile() throws {
        var config = GatewayConfig()
        try config.apply(json: Data(#"""
            {"state": {"presenceHeartbeatMilliseconds": 250, "presenceTimeoutMilliseconds": 1500,
                       "presenceAnswerMilliseconds": 100, "linkLeaseMilliseconds": 3000}}
            """#.utf8))
        let state = config.state
        #expect(state.presenceHeartbeatMilliseconds == 250 && state.presenceTimeoutMilliseconds == 1_500)
        #expect(state.presenceAnswerMilliseconds == 100 && state.linkLeaseMilliseconds == 3_000)
    }

    @Test func redisFromTheConfigurationFile() throws {
        var config = GatewayConfig()
        try config.apply(json: Data(#"""
            {"state": {"engine": "redis", "keyPrefix": "cg", "positionTTLSeconds": 3600,
                       "redis": {"url": "redis://callgate:secret@10.0.0.5:6380/2", "commandTimeoutMilliseconds": 500,
                                 "reconnectCapMilliseconds": 1000, "resp3": true}}}
            """#.utf8))
        let state = config.state
        #expect(state.engine == .redis && state.keyPrefix == "cg" && state.positionTTLSeconds == 3_600)
        #expect(state.redis.host == "10.0.0.5" && state.redis.port == 6380 && state.redis.database == 2)
        #expect(state.redis.username == "callgate" && state.redis.password == "secret" && state.redis.resp3)
        #expect(state.redis.commandTimeoutMilliseconds == 500 && state.redis.reconnectCapMilliseconds == 1_000)
    }

    @Test(arguments: [
        (#"{"state": {"engine": "etcd"}}"#, "state.engine"),
        (#"{"state": {"keyPrefix": "a b"}}"#, "state.keyPrefix"),
        (#"{"state": {"redis": {"url": "http://x"}}}"#, "state.redis.url"),
        (#"{"state": {"redis": {"commandTimeoutMilliseconds": 5}}}"#, "state.redis.commandTimeoutMilliseconds"),
        (#"{"state": {"redis": {"host": "x"}}}"#, "state.redis.host"),
        (#"{"state": {"presenceHeartbeatMilliseconds": 50}}"#, "state.presenceHeartbeatMilliseconds"),
        (#"{"state": {"presenceHeartbeatMilliseconds": 3000}}"#, "state.presenceTimeoutMilliseconds"),
        (#"{"state": {"presenceTimeoutMilliseconds": 1000, "presenceAnswerMilliseconds": 1000}}"#, "state.presenceTimeoutMilliseconds"),
        (#"{"state": {"linkLeaseMilliseconds": 10}}"#, "state.linkLeaseMilliseconds"),
    ])
    func aWrongValueNamesItsKey(json: String, key: String) {
        var config = GatewayConfig()
        #expect {
            try config.apply(json: Data(json.utf8))
        } throws: { error in
            (error as? GatewayConfig.Error)?.key == key
        }
    }

    /// docs/cluster.md §3: with several instances, a key generated per instance would make each
    /// instance's tokens (sessions, widgets) worthless at the others: the start stops instead.
    @Test func redisNeedsTheSecretsEveryInstanceShares() throws {
        let redis = #""listen": ["127.0.0.1:8080"], "state": {"engine": "redis", "redis": {"url": "redis://127.0.0.1:6379"}}"#
        let sessionSecret = #""auth": {"sessionSecret": "0123456789abcdef0123456789abcdef"}"#
        let tokenSecret = #""lastCallers": {"tokenSecret": "0123456789abcdef0123456789abcdef"}"#
        for (json, key) in [("{\(redis)}", "auth.sessionSecret"), ("{\(redis), \(sessionSecret)}", "lastCallers.tokenSecret")] {
            var config = GatewayConfig()
            try config.apply(json: Data(json.utf8))
            #expect { try config.validate() } throws: { ($0 as? GatewayConfig.Error)?.key == key }
        }
        var config = GatewayConfig()
        try config.apply(json: Data("{\(redis), \(sessionSecret), \(tokenSecret)}".utf8))
        try config.validate()
        // The memory engine (one instance) keeps its generated keys.
        var single = GatewayConfig()
        try single.apply(json: Data(#"{"listen": ["127.0.0.1:8080"]}"#.utf8))
        try single.validate()
    }

    @Test func aUsersChannelNamesTheUser() {
        let settings = StateEngineSettings(keyPrefix: "cg")
        #expect(settings.channel(user: "alice") == "cg:{u:alice}:events")
        #expect(settings.user(channel: "cg:{u:alice}:events") == "alice")
        #expect(settings.user(channel: "cg:{u:}:events") == nil && settings.user(channel: "other:{u:alice}:events") == nil)
    }
}
