import Containers

/// A bounded set of keys, each remembered until its last valid second: the store behind the
/// single-use guards (`SSOReplayGuard`, `VodiaReplayGuard`). `insert` drops the expired keys first, from a
/// min-heap keyed by expiry (amortised O(log n)), and refuses a key that is present or when
/// `capacity` unexpired keys are held (the caller fails closed).
package struct ExpiringSet<Key: Hashable & Sendable>: Sendable {
    package let capacity: Int
    private var members: Set<Key> = []
    /// Min-heap on `expires`.
    private var heap = MinHeap<Entry>()

    private struct Entry: Comparable, Sendable {
        let expires: Int64
        let key: Key

        static func < (lhs: Entry, rhs: Entry) -> Bool { lhs.expires < rhs.expires }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.expires == rhs.expires }
    }

    package init(capacity: Int) {
        precondition(capacity > 0, "ExpiringSet needs room for at least one key")
        self.capacity = capacity
    }

    package var count: Int { members.count }
    package var isFull: Bool { members.count >= capacity }

    package enum Insertion: Equatable, Sendable {
        case inserted
        case present
        case full
    }

    /// Remembers `key` until `expires` (inclusive), after dropping keys that expired before `now`.
    package mutating func insert(_ key: Key, expires: Int64, now: Int64) -> Insertion {
        prune(now: now)
        guard !members.contains(key) else { return .present }
        guard members.count < capacity else { return .full }
        members.insert(key)
        heap.push(Entry(expires: expires, key: key))
        return .inserted
    }

    /// Forgets keys whose last valid second is before `now`.
    package mutating func prune(now: Int64) {
        while let first = heap.first, first.expires < now {
            members.remove(first.key)
            heap.popFirst()
        }
    }
}
