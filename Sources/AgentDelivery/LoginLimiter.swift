/// Password attempts throttled per user name and per client address (docs/agent-protocol.md
/// §5.1, docs/config.md `agents.loginMaxFailures`, `agents.loginAddressMaxFailures`): two
/// `LoginThrottle`s over one window. Every password check, on `/ws` or over HTTP, `begin`s an
/// attempt before its hash runs and reports a right password with `succeeded`; a wrong one needs
/// no call, it was counted when it began.
///
/// - **Per user name**, at `userMaxFailures` (a few): guessing one user's password is slow from
///   any number of addresses. A right password forgets the user's count.
/// - **Per address**, at `addressMaxFailures` (many more): one address guessing many user names
///   is slow too, while an office behind one NAT address is not locked out by one agent's typos.
///   A right password takes its attempt back from the address's count, so the logins of a whole
///   office never add up to a block.
///
/// The address is whatever the caller passes (today the TCP peer's; later the client address
/// behind a trusted proxy). Pure: time is passed in.
public struct LoginLimiter: Sendable {
    /// An attempt under way: what `succeeded` needs to take it back.
    public struct Attempt: Sendable, Hashable {
        public let user: String
        public let address: String
        public let started: UInt64
    }

    /// Which count stopped an attempt.
    public enum Block: Error, Sendable, Hashable {
        case user
        case address

        /// For log lines.
        public var reason: String {
            switch self {
            case .user: "too many failed logins for this user name"
            case .address: "too many failed logins from this address"
            }
        }
    }

    public private(set) var users: LoginThrottle
    public private(set) var addresses: LoginThrottle

    public init(userMaxFailures: Int, addressMaxFailures: Int, windowMilliseconds: UInt64, capacity: Int) {
        users = LoginThrottle(maxFailures: userMaxFailures, windowMilliseconds: windowMilliseconds, capacity: capacity)
        addresses = LoginThrottle(maxFailures: addressMaxFailures, windowMilliseconds: windowMilliseconds, capacity: capacity)
    }

    /// A password check for `user` from `address` starting at `now`: counted against both and
    /// allowed, or refused uncounted with the count that blocks it (the user's first).
    public mutating func begin(user: String, address: String, now: UInt64) -> Result<Attempt, Block> {
        if users.isBlocked(user, now: now) { return .failure(.user) }
        if addresses.isBlocked(address, now: now) { return .failure(.address) }
        _ = users.begin(user, now: now)
        _ = addresses.begin(address, now: now)
        return .success(Attempt(user: user, address: address, started: now))
    }

    /// The attempt's password was right: the user's count is forgotten and the attempt is taken
    /// back from the address's.
    public mutating func succeeded(_ attempt: Attempt) {
        users.forget(attempt.user)
        addresses.refund(attempt.address, begunAt: attempt.started)
    }
}
