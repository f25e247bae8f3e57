import JSON
import AgentProtocol

/// What the call-control back end answers to a command it carried out (`Switchboard.execute`,
/// `CallControl.execute`), which the delivery engine turns into the request's reply
/// (docs/agent-protocol.md §3).
public enum CallControlReply: Sendable, Hashable {
    /// `{}`
    case ok
    /// A result object; `dial` gives `["uniqueid": …]`.
    case fields([String: JSONValue])
    /// The `state` method's result: the snapshot with `ringingSound` (lastSeq 0; the delivery engine sets it).
    case state(AgentSnapshot)
    /// `callHistory`: a page of the agent's ended calls and the number of matches.
    case callHistory(calls: [Call], total: Int)
}
