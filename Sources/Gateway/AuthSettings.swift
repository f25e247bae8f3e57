import Foundation
import JSON

/// The `auth` section: the secrets and windows of the credential schemes (docs/config.md).
/// Secrets are given inline or, better, as files readable by the gateway alone.
struct AuthSettings: Sendable {
    /// HMAC-SHA256 key of Callgate's session tokens (at least 32 bytes). Default: a random key
    /// kept in `stateDirectory/session-secret`, so tokens survive a restart of this instance;
    /// instances behind one load balancer need the same configured key.
    var sessionSecret: [UInt8]?
    /// Lifetime of a session token. Default 12 hours.
    var sessionTokenSeconds = 12 * 3600
    /// SSO (docs/compatibility.md §1.10): provider name → preshared secret.
    var ssoSecrets: [String: [UInt8]] = [:]
    /// How long an SSO token is valid after its timestamp. Default 300 s.
    var ssoValiditySeconds = 300
    /// How far in the future a timestamp may be (clock skew). Default 30 s.
    var ssoClockSkewSeconds = 30
    /// Accepted SSO tokens remembered against replay. Default 100,000.
    var ssoReplayCacheSize = 100_000

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let text: String = try section.take("sessionSecret") { sessionSecret = Array(text.utf8) }
        if let path: String = try section.take("sessionSecretFile") { sessionSecret = try SecretFile.read(path, key: "auth.sessionSecretFile") }
        if let secret = sessionSecret, secret.count < 32 {
            throw GatewayConfig.Error(key: "auth.sessionSecret", problem: "must be at least 32 bytes")
        }
        if let v: Int = try section.take("sessionTokenSeconds", range: 60...Int.max) { sessionTokenSeconds = v }
        if var sso = try section.section("sso") {
            if let v: Int = try sso.take("validitySeconds", range: 1...86_400) { ssoValiditySeconds = v }
            if let v: Int = try sso.take("clockSkewSeconds", range: 0...3_600) { ssoClockSkewSeconds = v }
            if let v: Int = try sso.take("replayCacheSize", range: 1...10_000_000) { ssoReplayCacheSize = v }
            if let providers: [String: JSONValue] = try sso.take("providers") {
                for name in providers.keys.sorted() {
                    let key = "auth.sso.providers.\(name)"
                    if case .string(let secret)? = providers[name] {
                        ssoSecrets[name] = Array(secret.utf8)
                    } else if case .object(let object)? = providers[name] {
                        var entry = ConfigReader(object, path: key)
                        guard let path: String = try entry.take("secretFile") else {
                            throw GatewayConfig.Error(key: key, problem: "needs secretFile, or give the secret as a string")
                        }
                        try entry.finish()
                        ssoSecrets[name] = try SecretFile.read(path, key: "\(key).secretFile")
                    } else {
                        throw GatewayConfig.Error(key: key, problem: "must be the secret as a string, or {\"secretFile\": path}")
                    }
                    if ssoSecrets[name]!.isEmpty { throw GatewayConfig.Error(key: key, problem: "the secret is empty") }
                }
            }
            try sso.finish()
        }
    }
}
