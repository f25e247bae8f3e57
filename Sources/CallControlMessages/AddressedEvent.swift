import AgentProtocol

/// An agent event and the user it is for: what the call-control back end emits. The delivery
/// engine numbers per-user events and delivers them to the user's tabs (session-scope events such
/// as `device`, `ready` and `identify` to all of the user's tabs as well: the back end does not
/// know tabs).
public struct AddressedEvent: Sendable, Hashable {
    public var user: String
    public var event: AgentEvent
    /// The back end's number for it (docs/backend-protocol.md §12.5), by which a repeat is known;
    /// nil from the embedded Switchboard, which hands each event over once.
    public var number: EventNumber?

    public init(user: String, event: AgentEvent, number: EventNumber? = nil) {
        self.user = user
        self.event = event
        self.number = number
    }
}
