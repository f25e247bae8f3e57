import AgentDelivery
import Foundation

/// The `agents` section: agent sessions on `/ws` (docs/agent-protocol.md §4, docs/config.md).
struct AgentSettings: Sendable {
    /// The Switchboard's directory (users, devices, queues; docs/directory.md). Default: the
    /// shipped sample directory (`callgate --sample-directory` prints it).
    var directoryFile: String?
    /// The delivery rules' settings: replay window, acks, sign-out timers, dedup, the login
    /// throttle (`DeliverySettings`, with their defaults).
    var delivery = DeliverySettings()
    /// Requests of one tab waiting for their replies; more are refused with `tooManyRequests`.
    /// Default 32.
    var tabRequestsInFlight = 32
    /// The admin HTTP API's bearer key (`/admin/…`). Without one, only loopback clients may use it.
    var adminKey: [UInt8]?

    mutating func apply(agents section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: String = try section.take("directory") { directoryFile = v }
        if let v: String = try section.take("serverVersion") { delivery.serverVersion = v }
        if let v: Int = try section.take("replayEvents", range: 1...1_000_000) { delivery.replayEvents = v }
        if let v: Int = try section.take("replayBytes", range: 1_024...(1 << 30)) { delivery.replayBytes = v }
        if let v: Int = try section.take("replayAgeSeconds", range: 1...86_400) { delivery.replayAgeSeconds = v }
        if let v: Int = try section.take("ackTimeoutMilliseconds", range: 100...600_000) { delivery.ackTimeoutMilliseconds = v }
        if let v: Int = try section.take("ackResends", range: 0...10) { delivery.ackResends = v }
        if let v: Bool = try section.take("autologout") { delivery.autologout = v }
        if let v: Int = try section.take("detachedLogoutSeconds", range: 1...86_400) { delivery.detachedLogoutSeconds = v }
        if let v: Int = try section.take("closedLogoutSeconds", range: 1...86_400) { delivery.closedLogoutSeconds = v }
        if let v: Int = try section.take("dialDedupSeconds", range: 1...3_600) { delivery.dialDedupSeconds = v }
        if let v: Int = try section.take("loginMaxFailures", range: 1...1_000) { delivery.loginMaxFailures = v }
        if let v: Int = try section.take("loginFailureWindowSeconds", range: 1...86_400) { delivery.loginFailureWindowSeconds = v }
        if let v: Int = try section.take("loginAddressMaxFailures", range: 1...1_000_000) { delivery.loginAddressMaxFailures = v }
        if let v: Int = try section.take("tabRequestsInFlight", range: 1...10_000) { tabRequestsInFlight = v }
    }

    /// The `admin` section: `apiKey` inline or `apiKeyFile` (at least 16 bytes).
    mutating func apply(admin section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let text: String = try section.take("apiKey") { adminKey = Array(text.utf8) }
        if let path: String = try section.take("apiKeyFile") {
            adminKey = try SecretFile.read(path, key: "admin.apiKeyFile")
        }
        if let key = adminKey, key.count < 16 {
            throw GatewayConfig.Error(key: "admin.apiKey", problem: "must be at least 16 bytes")
        }
    }
}
