/// The call-control back end at a glance, for the status page (docs/status.md): every directory
/// user's state, the live calls and the callers waiting in queues.
public struct CallControlSummary: Hashable, Sendable {
    public var agents: [AgentSummary]
    /// Ringing, connected or held calls, and those waiting in a queue.
    public var liveCalls: Int
    public var waitingCallers: Int

    public init(agents: [AgentSummary], liveCalls: Int, waitingCallers: Int) {
        self.agents = agents
        self.liveCalls = liveCalls
        self.waitingCallers = waitingCallers
    }
}
