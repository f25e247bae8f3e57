/// One tab's view of its user's per-user events (docs/agent-protocol.md §4): each carries `seq`,
/// 1 for the user's first event and +1 for each following one, the same in every tab, and a READY
/// tab sees every one, in order, without gaps, across reconnects (`attach` replays what it missed).
///
/// `last` is the last `seq` the tab has processed: what it sends as `attach`'s `lastSeq`.
public struct EventSequence: Equatable, Sendable {
    public private(set) var last = 0

    public enum Outcome: Equatable, Sendable {
        /// The next event: `last + 1`.
        case next
        /// Events were skipped: `expected` was due, `received` came (and is now `last`).
        case gap(expected: Int, received: Int)
        /// An event at or below `last` again: a repeat (a `callRinging` sent again for want of an
        /// ack keeps its `seq`, §4 "ack") or one out of order. `last` is unchanged.
        case repeated(Int)
    }

    public init(last: Int = 0) {
        self.last = last
    }

    /// Takes one per-user event's `seq`.
    public mutating func observe(_ seq: Int) -> Outcome {
        if seq == self.last + 1 {
            self.last = seq
            return .next
        }
        if seq <= self.last { return .repeated(seq) }
        let expected = self.last + 1
        self.last = seq
        return .gap(expected: expected, received: seq)
    }

    /// A `ready` event's state object reflects every event up to `lastSeq` (§4): the tab continues
    /// after it, and ignores events at or below it. A state older than what the tab has is ignored.
    public mutating func adopt(stateLastSeq: Int) {
        self.last = max(self.last, stateLastSeq)
    }
}
