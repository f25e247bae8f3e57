/// A bounded set of keys, each remembered until its last valid second: the store behind the
/// single-use guards (`SSOReplayGuard`, `VodiaReplayGuard`). `insert` drops the expired keys first, from a
/// min-heap keyed by expiry (amortised O(log n)), and refuses a key that is present or when
/// `capacity` unexpired keys are held (the caller fails closed).
struct ExpiringSet<Key: Hashable & Sendable>: Sendable {
    let capacity: Int
    private var members: Set<Key> = []
    /// Min-heap on `expires`.
    private var heap: [(expires: Int64, key: Key)] = []

    init(capacity: Int) {
        precondition(capacity > 0, "ExpiringSet needs room for at least one key")
        self.capacity = capacity
    }

    var count: Int { members.count }
    var isFull: Bool { members.count >= capacity }

    enum Insertion: Equatable, Sendable {
        case inserted
        case present
        case full
    }

    /// Remembers `key` until `expires` (inclusive), after dropping keys that expired before `now`.
    mutating func insert(_ key: Key, expires: Int64, now: Int64) -> Insertion {
        prune(now: now)
        guard !members.contains(key) else { return .present }
        guard members.count < capacity else { return .full }
        members.insert(key)
        push((expires, key))
        return .inserted
    }

    /// Forgets keys whose last valid second is before `now`.
    mutating func prune(now: Int64) {
        while let first = heap.first, first.expires < now {
            members.remove(first.key)
            popFirst()
        }
    }

    private mutating func push(_ entry: (expires: Int64, key: Key)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].expires < heap[parent].expires else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].expires < heap[smallest].expires { smallest = left }
            if right < heap.count, heap[right].expires < heap[smallest].expires { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
