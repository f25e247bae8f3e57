import Foundation

/// The `agents` section: agent sessions on `/ws` (docs/agent-protocol.md §4, docs/config.md).
struct AgentSettings: Sendable {
    /// The Switchboard's directory (users, devices, queues; docs/directory.md). Default: the
    /// shipped sample directory (`callgate --sample-directory` prints it).
    var directoryFile: String?
    /// The `connect` event's `version` (seeds/004 `onConnect(version)`).
    var serverVersion = "4.0.0"
    /// Per-user events kept for `attach`. Default 1,000.
    var replayEvents = 1_000
    /// Bytes of per-user events kept for `attach` (their encoded messages): the oldest go first
    /// past it, however few. Default 1 MiB.
    var replayBytes = 1 << 20
    /// How long they are kept. Default 300 s.
    var replayAgeSeconds = 300
    /// A `callRinging` is sent once more when no tab `ack`s it within this. Default 3 s.
    var ackTimeoutMilliseconds = 3_000
    /// Resends before the agent is marked unreachable. Default 1.
    var ackResends = 1
    /// seeds/004 `autologout`: a login from another address logs the user's other tabs out
    /// (`loginError` 3). Tabs from the same address are the same browser and stay. Default true.
    var autologout = true
    /// A user with no tab left is signed out of the Switchboard after this. Default 120 s.
    var detachedLogoutSeconds = 120
    /// A user whose login asked for `logoutOnClose` is signed out this long after the last tab
    /// went (a reload attaches well within it).
    var closedLogoutSeconds = 10
    /// A `dial` repeating an `idempotencyKey` within this gets the first reply. Default 10 s.
    var dialDedupSeconds = 10
    /// Password attempts per user name before `loginError` 5, counted when they start (a right
    /// password forgets them). Default 5 in 300 s.
    var loginMaxFailures = 5
    var loginFailureWindowSeconds = 300
    /// Failed password attempts per client address in the same window before `loginError` 5, for
    /// every user name: far above `loginMaxFailures`, so that one agent's typos do not lock out an
    /// office behind one address. Default 100.
    var loginAddressMaxFailures = 100
    /// Requests of one tab waiting for their replies; more are refused with `tooManyRequests`.
    /// Default 32.
    var tabRequestsInFlight = 32
    /// The admin HTTP API's bearer key (`/admin/…`). Without one, only loopback clients may use it.
    var adminKey: [UInt8]?

    mutating func apply(agents section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: String = try section.take("directory") { directoryFile = v }
        if let v: String = try section.take("serverVersion") { serverVersion = v }
        if let v: Int = try section.take("replayEvents", range: 1...1_000_000) { replayEvents = v }
        if let v: Int = try section.take("replayBytes", range: 1_024...(1 << 30)) { replayBytes = v }
        if let v: Int = try section.take("replayAgeSeconds", range: 1...86_400) { replayAgeSeconds = v }
        if let v: Int = try section.take("ackTimeoutMilliseconds", range: 100...600_000) { ackTimeoutMilliseconds = v }
        if let v: Int = try section.take("ackResends", range: 0...10) { ackResends = v }
        if let v: Bool = try section.take("autologout") { autologout = v }
        if let v: Int = try section.take("detachedLogoutSeconds", range: 1...86_400) { detachedLogoutSeconds = v }
        if let v: Int = try section.take("closedLogoutSeconds", range: 1...86_400) { closedLogoutSeconds = v }
        if let v: Int = try section.take("dialDedupSeconds", range: 1...3_600) { dialDedupSeconds = v }
        if let v: Int = try section.take("loginMaxFailures", range: 1...1_000) { loginMaxFailures = v }
        if let v: Int = try section.take("loginFailureWindowSeconds", range: 1...86_400) { loginFailureWindowSeconds = v }
        if let v: Int = try section.take("loginAddressMaxFailures", range: 1...1_000_000) { loginAddressMaxFailures = v }
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
