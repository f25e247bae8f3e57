import AgentDelivery
import Glibc
import ClickToCall
import AuthSchemes

/// The checks the engine asks for, which need the gateway's secrets and the directory: a
/// password against its hash, on the `hashing` loop (PBKDF2 and scrypt are slow on purpose and
/// never run on the hub's loop; an unknown user is checked against a decoy hash, so that it takes
/// as long as a wrong password), and a credential (an SSO token, a session token) through the
/// `Authenticator`. The login throttle is the engine's (`DeliveryEngine+Passwords.swift`).
extension AgentHub {
    func checkPassword(_ ticket: Ticket, username: String, password: String) {
        let user = directory.user(named: username)
        let stored = user?.passwordHash
        let enabled = user?.enabled == true
        let decoy = decoyHash
        hashing.execute { [self] in
            let matches = (try? PasswordHash.verify(password: password, against: stored ?? decoy).get()) != nil && stored != nil
            loop.execute { [self] in
                handle(.passwordChecked(ticket, matches ? .right(enabled: enabled) : .wrong))
            }
        }
    }

    /// An `sso` token (accepted once), or an `attach` token: a session token of scope `channels`
    /// or `ws`, else a Vodia popup's of scope `makecall`, which restricts the tab to its number
    /// (`VodiaSession`, docs/click-to-call.md §3).
    func verify(_ credential: AgentCredential, address: String) -> Result<VerifiedCredential, AuthError> {
        switch credential {
        case .sso(let username, let token, let provider):
            return authenticator.verify(.sso(username: username, token: token, provider: provider), channel: "ws", address: address)
                .map { VerifiedCredential(identity: $0) }
        case .sessionToken(let token):
            let verified = authenticator.verify(.session(token: token), channel: "ws", address: address)
            guard case .failure(.wrongScope) = verified else { return verified.map { VerifiedCredential(identity: $0) } }
            return authenticator.sessions.verify(token, scope: VodiaSession.scope, now: Int64(time(nil))).flatMap { claims in
                guard let restriction = VodiaSession(claims: claims) else { return .failure(.malformed("makecall token without a number")) }
                return .success(VerifiedCredential(identity: claims.identity(address: address), restriction: restriction))
            }
        }
    }
}

extension AgentHub {
    /// Verifies a tab's credential and hands the engine the result. An SSO token accepted by this
    /// instance's replay guard is, with a shared engine, claimed in Redis too, so that it is
    /// accepted once across every instance (docs/cluster.md §6.4); Redis unreachable, this
    /// instance's guard alone decides.
    func verifyOnce(_ ticket: Ticket, _ credential: AgentCredential, address: String) {
        let verified = verify(credential, address: address)
        guard case .sso(let username, let token, let provider) = credential, case .success = verified, shared != nil else {
            handle(.credentialChecked(ticket, verified))
            return
        }
        let key = Self.ssoClaimKey(username: username, token: token, provider: provider)
        claimSingleUse(key, ttlMilliseconds: ssoClaimMilliseconds, channel: "ws") { [self] first in
            guard !first else { return handle(.credentialChecked(ticket, verified)) }
            loop.metrics.routeEvent("ws", "sso_replayed_elsewhere")
            Log.info("sso_replayed", ["user": username, "peer": address])
            handle(.credentialChecked(ticket, .failure(.replayed)))
        }
    }
}
