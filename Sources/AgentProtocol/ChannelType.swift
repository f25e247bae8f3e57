/// Call `caller_type` / `connected_type` (docs/compatibility.md §1.6): what kind of channel a call party is on.
public enum ChannelType: String, CaseIterable, Hashable, Sendable {
    /// telefon: an agent's or extension's phone line.
    case line
    /// an operator trunk (an external party).
    case trunk
}
