/// The `agents` settings the delivery rules follow (docs/config.md `agents`, docs/agent-protocol.md
/// §4, §5.2), with their defaults. The gateway reads them from the configuration file.
public struct DeliverySettings: Hashable, Sendable {
    /// The `connect` event's `version` (docs/compatibility.md §1.3 `onConnect(version)`).
    public var serverVersion = "4.0.0"
    /// Per-user events kept for `attach`. Default 1,000.
    public var replayEvents = 1_000
    /// Bytes of per-user events kept for `attach` (their encoded messages): the oldest go first
    /// past it, however few. Default 1 MiB.
    public var replayBytes = 1 << 20
    /// How long they are kept. Default 300 s.
    public var replayAgeSeconds = 300
    /// A `callRinging` is sent once more when no tab `ack`s it within this. Default 3 s.
    public var ackTimeoutMilliseconds = 3_000
    /// Resends before the agent is marked unreachable. Default 1.
    public var ackResends = 1
    /// docs/compatibility.md §1.2 `autologout`: a login from another address logs the user's other tabs out
    /// (`loginError` 3). Tabs from the same address are the same browser and stay. Default true.
    public var autologout = true
    /// A user with no tab left is signed out of the back end after this. Default 120 s.
    public var detachedLogoutSeconds = 120
    /// A user whose login asked for `logoutOnClose` is signed out this long after the last tab
    /// went (a reload attaches well within it). Default 10 s.
    public var closedLogoutSeconds = 10
    /// A `dial` repeating an `idempotencyKey` within this gets the first reply. Default 10 s.
    public var dialDedupSeconds = 10
    /// Password attempts per user name before `loginError` 5, counted when they start (a right
    /// password forgets them). Default 5 in 300 s.
    public var loginMaxFailures = 5
    public var loginFailureWindowSeconds = 300
    /// Failed password attempts per client address in the same window before `loginError` 5, for
    /// every user name: far above `loginMaxFailures`, so that one agent's typos do not lock out an
    /// office behind one address. Default 100.
    public var loginAddressMaxFailures = 100
    /// With a shared engine (docs/cluster.md §6.7): how often this instance tells the others it is
    /// alive (`state.presenceHeartbeatMilliseconds`). Default 1 s.
    public var presenceHeartbeatMilliseconds = 1_000
    /// An instance not heard for this long is gone: its tabs no longer count, and the primary tab
    /// moves if it held it (`state.presenceTimeoutMilliseconds`). Default 5 s.
    public var presenceTimeoutMilliseconds = 5_000
    /// An instance that begins to follow a user (a first tab of the user here) waits this long for
    /// the other instances' tabs before it tells its tab whether it is primary, so that two tabs
    /// are never both told so (`state.presenceAnswerMilliseconds`). Default 300 ms.
    public var presenceAnswerMilliseconds = 300

    public init() {}
}
