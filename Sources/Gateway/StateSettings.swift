import Foundation

/// Where the state that must outlive an instance lives (docs/config.md `state`, docs/cluster.md
/// §6): in this process (`memory`, the default: one machine needs no Redis) or in Redis
/// (`redis`, shared by every instance behind a load balancer).
struct StateSettings: Sendable {
    enum Engine: String, Sendable {
        case memory, redis
    }

    /// `state.engine`. Default `memory`.
    var engine = Engine.memory
    /// `state.redis`: the server (`url`) and the client's limits.
    var redis = RedisSettings()
    /// `state.keyPrefix`: every key and channel begins with it. Default `callgate`.
    var keyPrefix = "callgate"
    /// `state.positionTTLSeconds`: how long a user's `seq` and epoch outlive the last event.
    /// Default 86,400 (24 h).
    var positionTTLSeconds = 86_400
    /// `state.presenceHeartbeatMilliseconds`: how often an instance tells the others it is alive
    /// (docs/cluster.md §6.7). Default 1,000.
    var presenceHeartbeatMilliseconds = 1_000
    /// `state.presenceTimeoutMilliseconds`: an instance not heard for this long is gone: its tabs
    /// stop counting and the primary tab moves. Default 5,000.
    var presenceTimeoutMilliseconds = 5_000
    /// `state.presenceAnswerMilliseconds`: how long an instance with a first tab of a user waits
    /// for the others' tabs before it tells its tab whether it is primary. Default 300.
    var presenceAnswerMilliseconds = 300
    /// `state.linkLeaseMilliseconds`: a popup link's lease in Redis lives this long unless renewed
    /// (every third of it while its session is open, docs/cluster.md §6.4). Default 15,000.
    var linkLeaseMilliseconds = 15_000
}

extension StateSettings {
    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let value: String = try section.take("engine") {
            guard let engine = Engine(rawValue: value) else {
                throw GatewayConfig.Error(key: "state.engine", problem: "must be memory or redis")
            }
            self.engine = engine
        }
        if let value: String = try section.take("keyPrefix") {
            guard !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "{" || $0 == "}" }) else {
                throw GatewayConfig.Error(key: "state.keyPrefix", problem: "must be non-empty, without spaces or braces")
            }
            keyPrefix = value
        }
        if let value: Int = try section.take("positionTTLSeconds", range: 60...31_536_000) { positionTTLSeconds = value }
        if let value: Int = try section.take("presenceHeartbeatMilliseconds", range: 100...60_000) { presenceHeartbeatMilliseconds = value }
        if let value: Int = try section.take("presenceTimeoutMilliseconds", range: 300...600_000) { presenceTimeoutMilliseconds = value }
        if let value: Int = try section.take("presenceAnswerMilliseconds", range: 0...10_000) { presenceAnswerMilliseconds = value }
        guard presenceTimeoutMilliseconds > 2 * presenceHeartbeatMilliseconds, presenceTimeoutMilliseconds > presenceAnswerMilliseconds else {
            throw GatewayConfig.Error(key: "state.presenceTimeoutMilliseconds", problem: "must be more than twice state.presenceHeartbeatMilliseconds and more than state.presenceAnswerMilliseconds")
        }
        if let value: Int = try section.take("linkLeaseMilliseconds", range: 1_000...3_600_000) { linkLeaseMilliseconds = value }
        if var redisSection = try section.section("redis") {
            if let url: String = try redisSection.take("url") {
                do {
                    redis = try RedisSettings(url: url)
                } catch {
                    throw GatewayConfig.Error(key: "state.redis.url", problem: error.description)
                }
            }
            if let value: Int = try redisSection.take("connectTimeoutMilliseconds", range: 100...60_000) {
                redis.connectTimeoutMilliseconds = value
            }
            if let value: Int = try redisSection.take("commandTimeoutMilliseconds", range: 100...60_000) {
                redis.commandTimeoutMilliseconds = value
            }
            if let value: Bool = try redisSection.take("resp3") { redis.resp3 = value }
            if let value: Int = try redisSection.take("maxPendingCommands", range: 1...10_000_000) { redis.maxPendingCommands = value }
            if let value: Int = try redisSection.take("reconnectBaseMilliseconds", range: 1...60_000) { redis.reconnectBaseMilliseconds = value }
            if let value: Int = try redisSection.take("reconnectCapMilliseconds", range: 1...600_000) { redis.reconnectCapMilliseconds = value }
            if let value: String = try redisSection.take("clientName") { redis.clientName = value }
            try redisSection.finish()
        }
    }
}
