import Routes

/// The result of `Switchboard.execute`, which the gateway turns into the request's reply.
public enum SwitchboardReply: Sendable, Hashable {
    /// `{}`
    case ok
    /// A result object; `dial` gives `["uniqueid": …]`.
    case fields([String: JSONValue])
    /// The `state` method's result: the snapshot with `ringingSound` (lastSeq 0; the gateway sets it).
    case state(AgentSnapshot)
    /// `callHistory`: a page of the agent's ended calls and the number of matches.
    case callHistory(calls: [Call], total: Int)
}
