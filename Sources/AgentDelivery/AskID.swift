/// A question to the engine from outside a tab (an HTTP click-to-call, a device Action URL, a
/// password on the last-callers token page): the hub numbers it and gets `.answer(id, …)` back,
/// at once or after the back end answered.
public struct AskID: Hashable, Sendable {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }
}
