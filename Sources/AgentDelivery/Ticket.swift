/// Work the engine waits for: a call-control request, a password check or a credential check.
/// The engine issues it with the action and remembers what to do with the answer; the hub hands
/// the answer back with the same ticket.
public struct Ticket: Hashable, Sendable {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }
}
