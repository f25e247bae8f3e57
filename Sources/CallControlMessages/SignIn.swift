import JSON
import AgentProtocol

/// What the call-control back end answers when it signs a user in (`Switchboard.signIn`,
/// `CallControl.signIn`): what the gateway sends after a successful `login`/`sso` or an `attach`
/// that signs in afresh (docs/agent-protocol.md §2.2).
public struct SignIn: Hashable, Sendable {
    /// The docs/compatibility.md §1.7 User object, statistics current: the `user` event.
    public var user: User
    /// IDENTIFY, or READY when the user already has a provisioned phone (another tab is open).
    public var state: AgentState
    /// For the `identify` event: the phones this user may pair when the directory's
    /// `listDevices` is on, else empty.
    public var identificators: [JSONValue]
    /// The first candidate identifier naming a phone this user may pair, for the `identifier`
    /// event; nil when none does.
    public var identifier: String?
    /// The state object when `state` is READY (lastSeq 0; the delivery engine sets it), else nil.
    public var snapshot: AgentSnapshot?

    public init(user: User, state: AgentState, identificators: [JSONValue], identifier: String?, snapshot: AgentSnapshot?) {
        self.user = user
        self.state = state
        self.identificators = identificators
        self.identifier = identifier
        self.snapshot = snapshot
    }
}
