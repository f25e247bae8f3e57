/// Where one of the back end's events stands in its user's stream (docs/backend-protocol.md
/// §12.5): the back end's `epoch` (from its `hello`, drawn anew at each start unless it keeps
/// its counters) and the user's event number `n`, which increases with each event of the user.
///
/// The back end sends every event to every gateway instance connected to it; each instance
/// appends it to the user's stream only if it comes after the last one appended (`follows`), so
/// an event reaches the shared stream exactly once however many instances received it, and any
/// instance may die without one being lost.
public struct EventNumber: Hashable, Sendable, CustomStringConvertible {
    public var epoch: String
    public var n: UInt64

    public init(epoch: String, n: UInt64) {
        self.epoch = epoch
        self.n = n
    }

    /// Whether an event numbered so is new after `last`, the last one appended for its user:
    /// true for the first, for another epoch (the back end restarted and counts again), and for
    /// a greater `n`; false for a repeat.
    public func follows(_ last: EventNumber?) -> Bool {
        guard let last, last.epoch == epoch else { return true }
        return n > last.n
    }

    public var description: String { "\(epoch)/\(n)" }
}
