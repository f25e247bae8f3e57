/// A softphone ringing tone (docs/compatibility.md §1.4 `selectRingingSound`, v4.43.5, and the `state` result's
/// `ringingSound`, v4.55.0). Raw values verbatim.
public enum RingingSound: String, CaseIterable, Hashable, Sendable {
    case `default` = "default"
    case christmas
    case lovingYou
    case quest
    case rush
}
