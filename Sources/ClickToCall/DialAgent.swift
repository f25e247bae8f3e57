/// Whose phone a click-to-call uses. ClickToCall only says how the request named the agent; the
/// gateway resolves it to a user (the directory, the workplace map, the session).
public enum DialAgent: Hashable, Sendable {
    /// Oktell `user=`: a user login (or any value the directory resolves to one user).
    case user(String)
    /// Oktell `wp=`: a workplace, named by the PC's address (`192.168.0.82`) or its name
    /// (`Comp082`), which the workplace map binds to a phone and its default user.
    case workplace(String)
    /// Oktell `line=`: a line (its number, name or id).
    case line(String)
    /// The dialect names no agent (Oktell `/callto`, Mia, Yealink, SNOM): it is whoever made the
    /// request, by the request's authentication (session cookie, per-agent API key) or by the
    /// client address on the workplace map.
    case requester
}
