import Containers

/// Acknowledgements of `callRinging` (docs/agent-protocol.md §4 `ack`): the one event a tab
/// acknowledges once it has shown the ringing call. The gateway expects an ack from at least one
/// tab of the user within `timeoutMilliseconds`; without one it sends the event again, up to
/// `resends` times, each with a fresh deadline, and then reports the agent unreachable. What it
/// does then (e.g. telling the back end) is the gateway's choice, not this type's.
///
/// Pending acks are keyed by (user, seq); the deadlines sit in a min-heap ordered by (deadline,
/// arming order), with lazy deletion: an ack or a cancel only forgets the key, and its heap entry
/// is skipped when it comes up. `expect` and each resend are O(log n), `acknowledge` O(1),
/// `cancel` O(k) for the user's k pending acks, and `due` O((r + s) log n) for the r deadlines
/// it reports and the s forgotten ones it skips; it looks at nothing not yet due. A forgotten
/// deadline stays in the heap until it comes due (one timeout at most).
public struct RingingAcks: Sendable {
    /// What to do about a deadline that passed.
    public enum Due: Sendable, Hashable {
        /// No tab acknowledged in time: send the event again (same `seq`).
        case resend(user: String, seq: UInt64)
        /// No tab acknowledged after the resends: the agent is unreachable; forgotten.
        case unreachable(user: String, seq: UInt64)
    }

    public let timeoutMilliseconds: UInt64
    public let resends: Int
    /// Per user, per seq: the arming that is current and the resends left.
    private var pending: [String: [UInt64: Pending]] = [:]
    public private(set) var pendingCount = 0
    /// Min-heap on (deadline, order); entries whose order is not their key's current one are stale.
    private var heap = MinHeap<Armed>()
    private var nextOrder: UInt64 = 0

    public init(timeoutMilliseconds: UInt64, resends: Int) {
        precondition(resends >= 0, "RingingAcks resends cannot be negative")
        self.timeoutMilliseconds = timeoutMilliseconds
        self.resends = resends
    }

    /// A `callRinging` numbered `seq` was sent to `user`'s tabs at `now`: an ack is due by
    /// `now + timeoutMilliseconds`. Expecting a pending (user, seq) again starts it over.
    public mutating func expect(user: String, seq: UInt64, now: UInt64) {
        if pending[user]?[seq] == nil { pendingCount += 1 }
        arm(user: user, seq: seq, now: now, resendsLeft: resends)
    }

    /// A tab of `user` acknowledged `seq`. True when (user, seq) was pending (it is no longer);
    /// false for an old or unknown seq, which is harmless (§4). O(1).
    @discardableResult
    public mutating func acknowledge(user: String, seq: UInt64) -> Bool {
        guard pending[user]?.removeValue(forKey: seq) != nil else { return false }
        if pending[user]?.isEmpty == true { pending[user] = nil }
        pendingCount -= 1
        return true
    }

    /// The call stopped ringing (answered, hung up, withdrawn): forgets the user's pending acks.
    public mutating func cancel(user: String) {
        guard let seqs = pending.removeValue(forKey: user) else { return }
        pendingCount -= seqs.count
    }

    /// The deadlines passed at `now` (deadline ≤ `now`), in deadline order (ties in the order
    /// they were armed). A resend re-arms its deadline at `now + timeoutMilliseconds`; after the
    /// resends the entry is forgotten and reported unreachable. Each entry is reported at most
    /// once per call, even with a zero timeout.
    public mutating func due(now: UInt64) -> [Due] {
        var fired: [Armed] = []
        while let top = heap.first, top.deadline <= now {
            heap.popFirst()
            if pending[top.user]?[top.seq]?.order == top.order { fired.append(top) }
        }
        var result: [Due] = []
        result.reserveCapacity(fired.count)
        for armed in fired {
            let resendsLeft = pending[armed.user]![armed.seq]!.resendsLeft
            if resendsLeft > 0 {
                arm(user: armed.user, seq: armed.seq, now: now, resendsLeft: resendsLeft - 1)
                result.append(.resend(user: armed.user, seq: armed.seq))
            } else {
                acknowledge(user: armed.user, seq: armed.seq)
                result.append(.unreachable(user: armed.user, seq: armed.seq))
            }
        }
        return result
    }

    private struct Pending: Sendable {
        let order: UInt64
        let resendsLeft: Int
    }

    private struct Armed: Comparable, Sendable {
        let deadline: UInt64
        let order: UInt64
        let user: String
        let seq: UInt64

        static func < (lhs: Armed, rhs: Armed) -> Bool {
            (lhs.deadline, lhs.order) < (rhs.deadline, rhs.order)
        }

        static func == (lhs: Armed, rhs: Armed) -> Bool {
            (lhs.deadline, lhs.order) == (rhs.deadline, rhs.order)
        }
    }

    /// Sets (user, seq)'s deadline to `now + timeoutMilliseconds` (saturating); an earlier heap
    /// entry for it becomes stale.
    private mutating func arm(user: String, seq: UInt64, now: UInt64, resendsLeft: Int) {
        let (sum, overflow) = now.addingReportingOverflow(timeoutMilliseconds)
        let order = nextOrder
        nextOrder += 1
        pending[user, default: [:]][seq] = Pending(order: order, resendsLeft: resendsLeft)
        heap.push(Armed(deadline: overflow ? .max : sum, order: order, user: user, seq: seq))
    }
}
