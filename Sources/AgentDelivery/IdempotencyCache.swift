import Containers

/// `dial`'s `idempotencyKey`: a repeat of (user, key) within `windowMilliseconds` gets the first
/// reply instead of dialling again (a retry after a lost reply must not place a second call).
///
/// Entries in an `ArrivalOrderedMap`: `value` is O(1); `remember` is amortised O(1), and drops
/// the expired entries and, past `capacity`, the oldest ones. An entry is within the window while
/// `now - remembered < windowMilliseconds`.
public struct IdempotencyCache<Value: Sendable>: Sendable {
    public let windowMilliseconds: UInt64
    /// The most entries kept: beyond it the oldest go, even inside their window.
    public var capacity: Int { entries.capacity }
    private var entries: ArrivalOrderedMap<Key, Stored>

    public init(windowMilliseconds: UInt64, capacity: Int) {
        precondition(capacity >= 0, "IdempotencyCache capacity cannot be negative")
        self.windowMilliseconds = windowMilliseconds
        entries = ArrivalOrderedMap(capacity: capacity)
    }

    /// How many entries are kept (including expired ones not yet dropped).
    public var count: Int { entries.count }

    /// The reply remembered for (user, key); nil when absent or older than the window (and then
    /// forgotten). O(1).
    public mutating func value(user: String, key: String, now: UInt64) -> Value? {
        let id = Key(user: user, key: key)
        guard let stored = entries[id] else { return nil }
        guard Self.isFresh(stored, now: now, window: windowMilliseconds) else {
            entries.removeValue(forKey: id)
            return nil
        }
        return stored.value
    }

    /// Remembers `value` as the reply to (user, key) at `now`, replacing any earlier one and
    /// restarting its window. Amortised O(1).
    public mutating func remember(_ value: Value, user: String, key: String, now: UInt64) {
        let window = windowMilliseconds
        entries.dropOldest { !Self.isFresh($0, now: now, window: window) }
        entries.store(Stored(value: value, remembered: now), for: Key(user: user, key: key))
    }

    private struct Key: Hashable, Sendable {
        let user: String
        let key: String
    }

    private struct Stored: Sendable {
        let value: Value
        let remembered: UInt64
    }

    private static func isFresh(_ stored: Stored, now: UInt64, window: UInt64) -> Bool {
        now < stored.remembered || now - stored.remembered < window
    }
}
