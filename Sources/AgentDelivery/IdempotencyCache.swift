import Routes

/// `dial`'s `idempotencyKey`: a repeat of (user, key) within `windowMilliseconds` gets the first
/// reply instead of dialling again (a retry after a lost reply must not place a second call).
///
/// A dictionary plus the order entries were remembered in (a ring buffer, lazily cleaned):
/// `value` is O(1); `remember` is amortised O(1), and drops the expired entries and, past
/// `capacity`, the oldest ones. An entry is within the window while
/// `now - remembered < windowMilliseconds`.
public struct IdempotencyCache<Value: Sendable>: Sendable {
    public let windowMilliseconds: UInt64
    /// The most entries kept: beyond it the oldest go, even inside their window.
    public let capacity: Int
    private var entries: [Key: Stored] = [:]
    /// Keys in the order they were remembered; an arrival whose order is not its key's current
    /// one is stale and skipped.
    private var arrivals = RingBuffer<Arrival>()
    private var nextOrder: UInt64 = 0

    public init(windowMilliseconds: UInt64, capacity: Int) {
        precondition(capacity >= 0, "IdempotencyCache capacity cannot be negative")
        self.windowMilliseconds = windowMilliseconds
        self.capacity = capacity
    }

    /// How many entries are kept (including expired ones not yet dropped).
    public var count: Int { entries.count }

    /// The reply remembered for (user, key); nil when absent or older than the window (and then
    /// forgotten). O(1).
    public mutating func value(user: String, key: String, now: UInt64) -> Value? {
        let id = Key(user: user, key: key)
        guard let stored = entries[id] else { return nil }
        guard isFresh(stored, now: now) else {
            entries[id] = nil
            return nil
        }
        return stored.value
    }

    /// Remembers `value` as the reply to (user, key) at `now`, replacing any earlier one and
    /// restarting its window. Amortised O(1).
    public mutating func remember(_ value: Value, user: String, key: String, now: UInt64) {
        dropStale(now: now)
        let id = Key(user: user, key: key)
        let order = nextOrder
        nextOrder += 1
        entries[id] = Stored(value: value, remembered: now, order: order)
        arrivals.append(Arrival(key: id, order: order))
        while entries.count > capacity, let oldest = arrivals.first {
            arrivals.removeFirst()
            if entries[oldest.key]?.order == oldest.order { entries[oldest.key] = nil }
        }
        // Replaced or looked-up-expired keys leave stale arrivals behind the live head; rebuild
        // when they outnumber the live ones (O(n) every n stale: amortised O(1)).
        if arrivals.count > 2 * entries.count + 16 {
            arrivals.filter { entries[$0.key]?.order == $0.order }
        }
    }

    private struct Key: Hashable, Sendable {
        let user: String
        let key: String
    }

    private struct Stored: Sendable {
        let value: Value
        let remembered: UInt64
        let order: UInt64
    }

    private struct Arrival: Sendable {
        let key: Key
        let order: UInt64
    }

    private func isFresh(_ stored: Stored, now: UInt64) -> Bool {
        now < stored.remembered || now - stored.remembered < windowMilliseconds
    }

    /// Drops stale arrivals and expired entries from the oldest end (arrivals are in time order).
    private mutating func dropStale(now: UInt64) {
        while let oldest = arrivals.first {
            if let stored = entries[oldest.key], stored.order == oldest.order {
                guard !isFresh(stored, now: now) else { return }
                entries[oldest.key] = nil
            }
            arrivals.removeFirst()
        }
    }
}
