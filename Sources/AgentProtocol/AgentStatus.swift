/// An agent's availability (docs/compatibility.md §1.5.2 `changeStatus`, `onStateChange`, User `status`). The raw
/// values are the wire spelling. Not to be confused with `AgentState`, the session's state.
public enum AgentStatus: String, CaseIterable, Hashable, Sendable {
    /// Logged out of queue service.
    case offline = "OFFLINE"
    /// Available for queue calls.
    case ready = "READY"
    /// After-call work.
    case acw = "ACW"
    /// Not ready, with a `reason` (e.g. "Oběd").
    case aux = "AUX"
}
