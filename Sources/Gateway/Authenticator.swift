import Foundation
import ClickToCall
import AuthSchemes
import Synchronization

/// The credential schemes of the authentication gate, with their secrets and the SSO replay
/// memory: Callgate session tokens (scope `channels`, or the one channel) and docs/compatibility.md §1.10 SSO
/// tokens. Shared by every loop; only the replay memory takes a lock.
final class Authenticator: Sendable {
    /// The scope of a session token valid on every channel.
    static let allChannelsScope = "channels"

    let sso: SSOVerifier
    let sessions: SessionTokenSigner
    let sessionTokenSeconds: Int64
    private let replayGuard: Mutex<SSOReplayGuard>

    init(settings: AuthSettings, stateDirectory: String) throws {
        sso = SSOVerifier(secrets: settings.ssoSecrets, validitySeconds: Int64(settings.ssoValiditySeconds),
                          clockSkewSeconds: Int64(settings.ssoClockSkewSeconds))
        let key = try settings.sessionSecret ?? Self.stateSecret(in: stateDirectory)
        guard let signer = SessionTokenSigner(key: key) else {
            throw GatewayConfig.Error(key: "auth.sessionSecret", problem: "must be at least \(SessionTokenSigner.minimumKeyLength) bytes")
        }
        sessions = signer
        sessionTokenSeconds = Int64(settings.sessionTokenSeconds)
        replayGuard = Mutex(SSOReplayGuard(capacity: settings.ssoReplayCacheSize))
    }

    /// Checks `credential` for `channel` at the current time; an SSO token is accepted once.
    func verify(_ credential: GateCredential, channel: String, address: String) -> Result<Identity, AuthError> {
        let now = Int64(Date().timeIntervalSince1970)
        switch credential {
        case .session(let token):
            var result = sessions.verify(token, scope: Self.allChannelsScope, now: now)
            if case .failure(.wrongScope) = result { result = sessions.verify(token, scope: channel, now: now) }
            return result.map { $0.identity(address: address) }
        case .sso(let username, let token, let provider):
            return sso.verify(username: username, token: token, provider: provider, now: now).flatMap { verified in
                let (admitted, full, capacity) = replayGuard.withLock { guardian in
                    (guardian.admit(verified, now: now), guardian.isFull, guardian.capacity)
                }
                if admitted { return .success(verified.identity(address: address)) }
                // Failing closed: every new SSO token is refused until remembered ones expire.
                if full { Log.warning("sso_replay_cache_full", ["peer": address, "capacity": "\(capacity)"]) }
                return .failure(.replayed)
            }
        }
    }

    /// A click-to-call popup's token for a `sip` route (scope `makecall-sip`, docs/click-to-call.md
    /// §3.4): the identity and what the session may call.
    func verifyPopup(token: String, address: String) -> Result<(Identity, PopupSIPSession), AuthError> {
        sessions.verify(token, scope: PopupSIPSession.scope, now: Int64(Date().timeIntervalSince1970)).flatMap { claims in
            guard let session = PopupSIPSession(claims: claims) else { return .failure(.malformed("not a click-to-call session")) }
            return .success((claims.identity(address: address), session))
        }
    }

    /// A session token for `user`, valid on every channel for `sessionTokenSeconds`, and its
    /// expiry (Unix seconds).
    func issueSessionToken(user: String, provider: String) -> (token: String, expires: Int64) {
        let now = Int64(Date().timeIntervalSince1970)
        let expires = now + sessionTokenSeconds
        let token = sessions.issue(SessionClaims(user: user, provider: provider, scope: Self.allChannelsScope,
                                                 issued: now, expires: expires))
        return (token, expires)
    }

    /// A generated key in `directory/name` (mode 0600), made on first use: the session key
    /// (`session-secret`), the widget token key (`widget-secret`).
    static func stateSecret(in directory: String, name: String = "session-secret") throws -> [UInt8] {
        let path = directory + "/" + name
        if let data = FileManager.default.contents(atPath: path), data.count >= SessionTokenSigner.minimumKeyLength {
            return [UInt8](data)
        }
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in key.indices { key[index] = generator.next() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
            throw GatewayConfig.Error(key: "auth.sessionSecret", problem: "cannot write \(path); configure the key in a file")
        }
        return key
    }
}
