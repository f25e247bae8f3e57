import AgentProtocol

/// One directory user as the call-control back end lists them (`Switchboard.agents`: the admin
/// API's `/admin/agents`, the status page).
public struct AgentSummary: Sendable, Hashable {
    public var username: String
    /// `.credentials` when not signed in.
    public var state: AgentState
    public var status: AgentStatus
    /// The AUX reason, nil otherwise.
    public var reason: String?
    /// The uniqueid of the agent's current call (the consultation call during a transfer).
    public var call: String?
    /// On a call the back end does not carry (the web phone's, through the SIP edge,
    /// docs/sip-edge.md §3): not offered calls meanwhile.
    public var busy: Bool

    public init(username: String, state: AgentState, status: AgentStatus, reason: String?, call: String?, busy: Bool = false) {
        self.username = username
        self.state = state
        self.status = status
        self.reason = reason
        self.call = call
        self.busy = busy
    }
}
