/// An agent event and the user it is for: what the call-control back end emits. The delivery
/// engine numbers per-user events and delivers them to the user's tabs (session-scope events such
/// as `device`, `ready` and `identify` to all of the user's tabs as well: the back end does not
/// know tabs).
public struct AddressedEvent: Sendable, Hashable {
    public var user: String
    public var event: AgentEvent

    public init(user: String, event: AgentEvent) {
        self.user = user
        self.event = event
    }
}
