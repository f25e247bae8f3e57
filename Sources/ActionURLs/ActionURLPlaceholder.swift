/// The `<$name>` placeholders of an outgoing Action URL template (docs/compatibility.md §4.3, "Platzhalter zur
/// Verwendung von Action-URL's"), in the wiki's order. The raw value is the name between `<$`
/// and `>`, and also the parameter name of the device Action URLs Callgate receives
/// (`ActionURLEvent`).
public enum ActionURLPlaceholder: String, CaseIterable, Hashable, Sendable {
    /// `inbound`, `outbound`, `connected`, `hold`, `disconnected`.
    case action
    /// `inbound` or `outbound`.
    case call_direction
    /// `0` for inbound, `1` for outbound.
    case call_direction_as_int
    /// The local party's SIP URI (`987@example.com`).
    case local_party
    /// The local party's display name (equals `local_party` when unknown).
    case local_alias
    /// `on_hold` or `off_hold`.
    case hold_state
    /// Seconds since the call was answered (0 before).
    case call_duration_seconds
    /// `2019-03-25T10-34-22`.
    case call_created_time
    /// `2019-03-25T10-34-27`; empty before the call is connected.
    case call_connected_time
    /// `2019-03-25T10-34-34`; empty before the call is disconnected.
    case call_disconnected_time
    /// The call's unique id.
    case call_guid
    /// The remote party's number.
    case remote_party
    /// The remote party's display name.
    case remote_alias
}
