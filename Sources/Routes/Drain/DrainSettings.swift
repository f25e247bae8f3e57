/// How the gateway drains on SIGTERM (docs/config.md: `drainDeadlineMilliseconds`,
/// `drainReconnectMinMilliseconds`, `drainReconnectMaxMilliseconds`; docs/deploy.md §5).
public struct DrainSettings: Sendable, Equatable {
    /// From SIGTERM to the moment every session still open is closed with 1001 and the process
    /// exits: how long a live call may keep its tabs here.
    public var deadlineMilliseconds: Int
    /// The delay a session without a live call is told to wait before it reconnects is drawn
    /// uniformly from `reconnectMinMilliseconds...reconnectMaxMilliseconds`, so that thousands
    /// of tabs do not come back in one burst. The minimum should cover the time a load balancer
    /// takes to see `/readyz` fail (HAProxy: `fall` × `inter`), so that a tab is not sent back here.
    public var reconnectMinMilliseconds: Int
    public var reconnectMaxMilliseconds: Int

    public init(deadlineMilliseconds: Int = 600_000, reconnectMinMilliseconds: Int = 2_000,
                reconnectMaxMilliseconds: Int = 10_000) {
        self.deadlineMilliseconds = deadlineMilliseconds
        self.reconnectMinMilliseconds = reconnectMinMilliseconds
        self.reconnectMaxMilliseconds = reconnectMaxMilliseconds
    }

    /// The range a reconnect hint is drawn from (an inverted pair is read as its minimum).
    public var reconnectRange: ClosedRange<Int> {
        reconnectMinMilliseconds...max(reconnectMinMilliseconds, reconnectMaxMilliseconds)
    }
}
