import AgentProtocol

/// Everything the gateway asks of the call-control back end (docs/cluster.md §5), one case per
/// question, each answered by one `CallControlAnswer` (the case named beside it, or `.failed`).
/// The delivery engine asks the first eight; the hub asks the rest for the report channel, the
/// status page and the admin API. Nothing here may be answered synchronously by a remote back end,
/// so the engine keeps its own view of what it needs between answers (each user's state and
/// calls, from the events it delivers).
public enum CallControlRequest: Hashable, Sendable {
    /// Sign `user` in after the gateway authenticated them; `identifiers` are the tab's candidate
    /// phone identifiers, most specific first (docs/compatibility.md §1.2 identifyURL, identifyCookie,
    /// identifyIP). → `.signedIn`.
    case signIn(user: String, identifiers: [String])
    /// Sign `user` out: OFFLINE, their calls ended, the phone unpaired. → `.done`.
    case signOut(user: String)
    /// Carry out an agent command for a signed-in user: every `AgentCommand` except `login`,
    /// `sso`, `attach`, `ack` and `ping`. → `.executed`.
    case execute(user: String, command: AgentCommand)
    /// The state object of a signed-in user (nil if not signed in). → `.snapshot`.
    case snapshot(user: String)
    /// No tab acknowledged `user`'s ringing call: withdraw it, AUX `unreachable`. → `.done`.
    case unreachable(user: String)
    /// A call the back end does not carry (the web phone's, through the SIP edge) occupies
    /// `user`, or no longer does: not offered calls meanwhile. → `.done`.
    case setBusy(user: String, busy: Bool)
    /// The users these name, in order (nil where none). → `.found`.
    case lookUp([AgentLookup])
    /// `user`'s own party as a phone names it, for Action URLs. → `.party`.
    case party(user: String)
    /// `user`'s ended calls, signed in or not (the `report` channel). → `.callHistory`.
    case callHistory(user: String, query: CallHistoryQuery)
    /// Every user's state, the live calls and waiting callers (the status page). → `.summary`.
    case summary
    /// A request of the admin API (docs/admin-api.md). → `.admin`.
    case admin(AdminCommand)
}
