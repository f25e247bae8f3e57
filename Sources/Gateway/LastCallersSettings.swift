import LastCallersWidget
import AuthSchemes

/// The `lastCallers` section (docs/compatibility.md §5): who called a number last, and the widget's tokens
/// (docs/click-to-call.md §6, docs/config.md).
struct LastCallersSettings: Sendable {
    /// Agents remembered per external number, most recent first. Default 3.
    var historyLength = 3
    /// Numbers remembered; the least recently called are forgotten first. Default 100,000.
    var capacity = 100_000
    /// HMAC key of the widget tokens (at least 32 bytes), separate from the session key so that
    /// rotating it revokes every widget and nothing else. Default: a random key kept in
    /// `stateDirectory/widget-secret`.
    var tokenSecret: [UInt8]?
    /// Lifetime of a widget token made by `/lastcaller/tokengen/`. Default 90 days, at most 366.
    var tokenSeconds = Int(WidgetToken.defaultLifetimeSeconds)

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: Int = try section.take("historyLength", range: 1...50) { historyLength = v }
        if let v: Int = try section.take("capacity", range: 1...10_000_000) { capacity = v }
        if let text: String = try section.take("tokenSecret") { tokenSecret = Array(text.utf8) }
        if let path: String = try section.take("tokenSecretFile") { tokenSecret = try SecretFile.read(path, key: "lastCallers.tokenSecretFile") }
        if let secret = tokenSecret, secret.count < SessionTokenSigner.minimumKeyLength {
            throw GatewayConfig.Error(key: "lastCallers.tokenSecret", problem: "must be at least \(SessionTokenSigner.minimumKeyLength) bytes")
        }
        if let v: Int = try section.take("tokenSeconds", range: 60...Int(WidgetToken.maxLifetimeSeconds)) { tokenSeconds = v }
    }
}
