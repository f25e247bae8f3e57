import Routes

/// Password checks outside a `/ws` login: the last-callers token page's `Authorization: Basic`
/// (RFC 7617). They use what `login` uses, so a password guessed over HTTP counts against the
/// same user name and client address as one guessed on `/ws`, and the other way round:
/// the directory's hashes, the `hashing` loop (PBKDF2/scrypt never runs on the hub's loop), the
/// decoy hash for unknown users (an unknown user takes as long as a wrong password), and the
/// login throttle (`agents.loginMaxFailures` per `agents.loginFailureWindowSeconds`).
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
        case throttled
    }

    /// Checks `password` for `username` from a client at `address`. Call on the hub's loop;
    /// `completion` runs on the hub's loop, after the hash was computed on the hashing loop.
    func verifyPassword(username: String, password: String, address: String,
                        completion: @escaping @Sendable (PasswordCheck) -> Void) {
        // Refused at once and not kept by the throttle, as for `login`.
        guard username.utf8.count <= Self.maxUsernameBytes else {
            completion(.invalid)
            return
        }
        let now = loop.now
        let userKey = "user:" + username, addressKey = "address:" + address
        guard !throttle.isBlocked(userKey, now: now), !throttle.isBlocked(addressKey, now: now) else {
            completion(.throttled)
            return
        }
        let user = switchboard.directory.user(named: username)
        let stored = user?.passwordHash
        let enabled = user?.enabled == true
        let decoy = decoyHash
        hashing.execute { [self] in
            let matches = (try? PasswordHash.verify(password: password, against: stored ?? decoy).get()) != nil && stored != nil
            loop.execute { [self] in
                if matches {
                    throttle.recordSuccess(userKey)
                    completion(enabled ? .valid : .disabled)
                } else {
                    throttle.recordFailure(userKey, now: loop.now)
                    throttle.recordFailure(addressKey, now: loop.now)
                    completion(.invalid)
                }
            }
        }
    }
}
