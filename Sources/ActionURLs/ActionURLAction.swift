/// `<$action>` / `action=` of the Mia Action URLs (docs/compatibility.md §4.2): which phone event it reports.
/// The raw values are the wire spelling.
public enum ActionURLAction: String, CaseIterable, Hashable, Sendable {
    /// An inbound call (it rings at the phone).
    case inbound
    /// An outbound call (the phone dials).
    case outbound
    /// "The local- or remote party has just answered the call."
    case connected
    /// "The call has just been put on hold or off hold" (`hold_state` says which).
    case hold
    /// "The call has ended. If the call has never been connected, this is a missed call."
    case disconnected
}
