/// `<$hold_state>` (docs/compatibility.md §4.3): "either on_hold if the call is on hold or off_hold when the call
/// is in the connected state". The raw values are the wire spelling.
public enum ActionURLHoldState: String, CaseIterable, Hashable, Sendable {
    case onHold = "on_hold"
    case offHold = "off_hold"
}
