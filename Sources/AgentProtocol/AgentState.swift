/// The state of one agent-bar session (one browser tab), as the agent bar's guide names them in its list of
/// which method may be called when. The raw values are the wire spelling.
///
/// - `CREDENTIALS`: connected, not logged in; the bar waits for `login`, `sso` (or `attach`).
/// - `IDENTIFY`: logged in, no phone paired; the bar waits for an identifier (`selectIdentifier`).
/// - `DEVICE`: a phone has been found for the identifier; the bar waits for `provision`.
/// - `READY`: provisioned; call control and status changes are possible.
public enum AgentState: String, CaseIterable, Hashable, Sendable {
    case credentials = "CREDENTIALS"
    case identify = "IDENTIFY"
    case device = "DEVICE"
    case ready = "READY"
}
