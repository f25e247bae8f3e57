/// Who sent a click-to-call request, as its authentication says (docs/click-to-call.md §2).
public enum ClickToCallCaller: Hashable, Sendable {
    /// A server API key, or a trusted address: may name any agent, and must name one.
    case server
    /// An agent's own API key, or the agent's session cookie: the requester is this user, and
    /// a request naming another agent is forbidden.
    case agent(String)
    /// The client address: the requester is the agent at the workplace (phone) with this
    /// identifier.
    case workplace(String)
}
