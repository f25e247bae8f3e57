/// How click-to-call and device Action URLs name an agent (docs/click-to-call.md §1, §4), for the
/// call-control back end to resolve to a user name (`Switchboard+Lookup.swift`): it knows who is
/// signed in on which phone.
public enum AgentLookup: Hashable, Sendable {
    /// A login, or the digits of a primary extension.
    case named(String)
    /// A workplace (Oktell `wp=`, or the client address of a caller authenticated by it): the
    /// phone with that identifier, and the agent signed in on it, else its owner.
    case workplace(String)
    /// A line (Oktell `line=`, a device Action URL's `local_party`): the phone whose extension,
    /// id or identifier it is, and the agent signed in on it, else its owner, else the user whose
    /// primary extension it is.
    case line(String)
}
