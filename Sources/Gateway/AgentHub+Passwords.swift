import Routes

/// Every password check: a `/ws` `login` and the last-callers token page's
/// `Authorization: Basic` (RFC 7617). They use the same things, so a password guessed over HTTP
/// counts against the same user name and client address as one guessed on `/ws`, and the other
/// way round: the directory's hashes, the `hashing` loop (PBKDF2/scrypt never runs on the hub's
/// loop), the decoy hash for unknown users (an unknown user takes as long as a wrong password),
/// and the login throttle (`LoginLimiter`: `agents.loginMaxFailures` per user name and
/// `agents.loginAddressMaxFailures` per address, per `agents.loginFailureWindowSeconds`), which
/// counts an attempt before its hash runs.
extension AgentHub {
    enum PasswordCheck: Sendable, Equatable {
        /// The password matches an enabled user's hash; the user's failures are forgotten.
        case valid
        /// Unknown user, no password (SSO only) or wrong password: counted as a failure for the
        /// user name and the address. A user name over `maxUsernameBytes` is refused uncounted.
        case invalid
        /// The password matches, but the user is disabled (not counted as a failure).
        case disabled
        /// The throttle blocks the user name or the address: nothing was checked.
        case throttled(LoginLimiter.Block)
    }

    /// Checks `password` for `username` from a client at `address`. Call on the hub's loop;
    /// `completion` runs on the hub's loop: at once when nothing is checked, else after the hash
    /// was computed on the hashing loop.
    func verifyPassword(username: String, password: String, address: String,
                        completion: @escaping @Sendable (PasswordCheck) -> Void) {
        // Refused at once and not kept by the throttle.
        guard username.utf8.count <= Self.maxUsernameBytes else {
            completion(.invalid)
            return
        }
        let attempt: LoginLimiter.Attempt
        switch logins.begin(user: username, address: address, now: loop.now) {
        case .failure(let block):
            completion(.throttled(block))
            return
        case .success(let begun):
            attempt = begun
        }
        let user = switchboard.directory.user(named: username)
        let stored = user?.passwordHash
        let enabled = user?.enabled == true
        let decoy = decoyHash
        hashing.execute { [self] in
            let matches = (try? PasswordHash.verify(password: password, against: stored ?? decoy).get()) != nil && stored != nil
            loop.execute { [self] in
                guard matches else {
                    completion(.invalid)
                    return
                }
                logins.succeeded(attempt)
                completion(enabled ? .valid : .disabled)
            }
        }
    }
}
