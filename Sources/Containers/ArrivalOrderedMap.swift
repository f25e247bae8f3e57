/// A dictionary that keeps the order its entries were last stored in, so that the oldest go
/// first: by age (`dropOldest(while:)`, for a window that starts when an entry is stored) and
/// past `capacity` (`store` evicts). The one home of this eviction, shared by
/// `IdempotencyCache` and `LoginThrottle` (windows) and `LastCallers` (least recently recorded).
/// Tokens that each carry their own expiry use `ExpiringSet` instead (a min-heap).
///
/// Storing stamps the key with a fresh order and appends an arrival to a ring buffer; an arrival
/// whose order is not its key's current one (the key was stored again, or removed) is stale and
/// skipped, and when stale arrivals outnumber the live entries the ring is rebuilt (O(n) every n
/// stale). So the subscript, `modify` and `removeValue` are O(1), `store` and `dropOldest`
/// amortised O(1) per entry dropped.
public struct ArrivalOrderedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The most entries kept: beyond it the oldest go, whatever their age.
    public let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var arrivals = RingBuffer<Arrival>()
    private var nextOrder: UInt64 = 0

    private struct Entry: Sendable {
        var value: Value
        let order: UInt64
    }

    private struct Arrival: Sendable {
        let key: Key
        let order: UInt64
    }

    public init(capacity: Int) {
        precondition(capacity >= 0, "ArrivalOrderedMap capacity cannot be negative")
        self.capacity = capacity
    }

    /// Entries held (including any the owner would count as expired but has not dropped yet).
    public var count: Int { entries.count }

    public subscript(key: Key) -> Value? { entries[key]?.value }

    /// Stores `value` for `key` as the newest entry (a stored key moves to the newest end), then
    /// drops the oldest entries past `capacity`.
    public mutating func store(_ value: Value, for key: Key) {
        let order = nextOrder
        nextOrder += 1
        entries[key] = Entry(value: value, order: order)
        arrivals.append(Arrival(key: key, order: order))
        while entries.count > capacity, let oldest = arrivals.first {
            arrivals.removeFirst()
            if entries[oldest.key]?.order == oldest.order { entries[oldest.key] = nil }
        }
        if arrivals.count > 2 * entries.count + 16 {
            arrivals.filter { entries[$0.key]?.order == $0.order }
        }
    }

    /// Changes the value of `key` in place, keeping its place in the order; nothing if absent.
    public mutating func modify(_ key: Key, _ change: (inout Value) -> Void) {
        guard var entry = entries[key] else { return }
        change(&entry.value)
        entries[key] = entry
    }

    public mutating func removeValue(forKey key: Key) {
        entries[key] = nil
    }

    /// Drops entries from the oldest end for as long as `isExpired` says so, and stops at the
    /// first that is not (entries are in the order they were stored, so for a window that
    /// starts at storing, everything newer is younger).
    public mutating func dropOldest(while isExpired: (Value) -> Bool) {
        while let oldest = arrivals.first {
            if let entry = entries[oldest.key], entry.order == oldest.order {
                guard isExpired(entry.value) else { return }
                entries[oldest.key] = nil
            }
            arrivals.removeFirst()
        }
    }
}
