/// A min-heap of timers by deadline (nanoseconds on any monotonic clock), for the soak's
/// thousands of per-connection and per-user timers. A timer is never removed early: it carries its
/// owner's `generation`, and the owner ignores one whose generation it has moved past.
public struct TimerHeap<Payload> {
    public struct Timer {
        public var deadline: UInt64
        public var payload: Payload
    }

    private var items: [Timer] = []
    /// Orders timers of the same deadline by insertion, so they fire in the order they were set.
    private var order: [UInt64] = []
    private var nextOrder: UInt64 = 0

    public init() {}

    public var count: Int { self.items.count }
    public var isEmpty: Bool { self.items.isEmpty }
    /// The earliest deadline, if any.
    public var nextDeadline: UInt64? { self.items.first?.deadline }

    public mutating func schedule(at deadline: UInt64, _ payload: Payload) {
        self.items.append(Timer(deadline: deadline, payload: payload))
        self.order.append(self.nextOrder)
        self.nextOrder &+= 1
        self.siftUp(self.items.count - 1)
    }

    /// The earliest timer due at `now` (deadline ≤ now), removed; nil when none is due.
    public mutating func popDue(now: UInt64) -> Timer? {
        guard let first = self.items.first, first.deadline <= now else { return nil }
        let lastIndex = self.items.count - 1
        self.items.swapAt(0, lastIndex)
        self.order.swapAt(0, lastIndex)
        self.items.removeLast()
        self.order.removeLast()
        if !self.items.isEmpty { self.siftDown(0) }
        return first
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        self.items[a].deadline != self.items[b].deadline ? self.items[a].deadline < self.items[b].deadline : self.order[a] < self.order[b]
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.less(child, parent) else { return }
            self.items.swapAt(child, parent)
            self.order.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < self.items.count && self.less(left, smallest) { smallest = left }
            if right < self.items.count && self.less(right, smallest) { smallest = right }
            guard smallest != parent else { return }
            self.items.swapAt(parent, smallest)
            self.order.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
