import Routes

/// One directory user as the admin API lists them (`Switchboard.agents`).
public struct AgentSummary: Sendable, Hashable {
    public var username: String
    /// `.credentials` when not signed in.
    public var state: AgentState
    public var status: AgentStatus
    /// The AUX reason, nil otherwise.
    public var reason: String?
    /// The uniqueid of the agent's current call (the consultation call during a transfer).
    public var call: String?

    public init(username: String, state: AgentState, status: AgentStatus, reason: String?, call: String?) {
        self.username = username
        self.state = state
        self.status = status
        self.reason = reason
        self.call = call
    }
}
