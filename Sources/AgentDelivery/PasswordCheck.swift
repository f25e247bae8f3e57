/// The outcome of a password check (`login` on `/ws`, `Authorization: Basic` on the last-callers
/// token page), throttle included (docs/agent-protocol.md §5.2).
public enum PasswordCheck: Hashable, Sendable {
    /// The password matches an enabled user's hash; the user's failures are forgotten.
    case valid
    /// Unknown user, no password (SSO only) or wrong password: counted as a failure for the user
    /// name and the address. A user name over `DeliveryEngine.maxUsernameBytes` is refused
    /// uncounted.
    case invalid
    /// The password matches, but the user is disabled (not counted as a failure).
    case disabled
    /// The throttle blocks the user name or the address: nothing was checked.
    case throttled(LoginLimiter.Block)
}

/// What the hub found when it compared a password with the directory's hash (off its loop).
public enum PasswordMatch: Hashable, Sendable {
    /// Unknown user, no password hash (SSO only), or another password.
    case wrong
    /// The hash matches; `enabled` is the directory's flag.
    case right(enabled: Bool)
}
