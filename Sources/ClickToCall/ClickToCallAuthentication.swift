/// The ways a click-to-call request may prove who may place the call. ClickToCall parses; the gateway
/// checks (see docs/click-to-call.md, "Authentication"), taking the first that the request
/// carries among those its dialect accepts (`ClickToCallDialect.authentication`).
public enum ClickToCallAuthentication: String, CaseIterable, Hashable, Sendable {
    /// An API key: `Authorization: Bearer <key>`, or the `key=` query parameter where the
    /// dialect allows one (`ClickToCallRequest.apiKey`), compared in constant time. A key is
    /// either a server key (it may name any agent; Oktell `/wp_autocallstart`) or an agent's own
    /// key (it is the `.requester`).
    case apiKey
    /// The `callgate_session` cookie of a logged-in browser (Oktell `/callto` from the agent's
    /// own browser): the session's user is the `.requester`.
    case sessionCookie
    /// The client address (after the trusted-proxy rules) is on the workplace map, which binds
    /// it to an agent (the `.requester`), or on the allow-list of addresses that may name agents.
    case clientAddress
}
