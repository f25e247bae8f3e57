import Containers

/// Password attempts per key (a user name, a client address), counted when they **start**:
/// `begin` counts an attempt before its password is checked, so attempts in flight count as
/// failures and a parallel batch cannot outrun the limit (issue 18). Once `maxFailures` attempts
/// fall inside `windowMilliseconds` of the key's first counted one, the key is blocked until
/// that window passes (`loginError` code 5, docs/agent-protocol.md §5.1). An attempt whose
/// password was right is taken back (`refund`) or wipes the key (`forget`); a wrong one stays
/// counted. A count after the window starts a new one. A fixed window per key: `isBlocked`,
/// `refund`, `forget` O(1), `begin` amortised O(1).
///
/// Bounded by `capacity` keys: beyond it the key whose window started first is forgotten, even
/// when blocked. So a flood of distinct keys can unblock one; size `capacity` above the keys one
/// window sees, and throttle by address as well as by user (`LoginLimiter`).
public struct LoginThrottle: Sendable {
    public let maxFailures: Int
    public let windowMilliseconds: UInt64
    public var capacity: Int { records.capacity }
    /// Keys in the order their windows started (`ArrivalOrderedMap`).
    private var records: ArrivalOrderedMap<String, Record>

    public init(maxFailures: Int, windowMilliseconds: UInt64, capacity: Int) {
        precondition(maxFailures >= 1, "LoginThrottle needs maxFailures of at least 1")
        precondition(capacity >= 1, "LoginThrottle needs room for at least one key")
        self.maxFailures = maxFailures
        self.windowMilliseconds = windowMilliseconds
        records = ArrivalOrderedMap(capacity: capacity)
    }

    /// How many keys are kept (including expired ones not yet dropped).
    public var count: Int { records.count }

    /// Whether `key` has `maxFailures` attempts counted in a window still running at `now`. A key
    /// whose window has passed is forgotten.
    public mutating func isBlocked(_ key: String, now: UInt64) -> Bool {
        guard let record = records[key] else { return false }
        guard Self.isRunning(record, now: now, window: windowMilliseconds) else {
            records.removeValue(forKey: key)
            return false
        }
        return record.failures >= maxFailures
    }

    /// An attempt for `key` starting at `now`: counted (true), unless the key is blocked (false,
    /// nothing counted).
    public mutating func begin(_ key: String, now: UInt64) -> Bool {
        guard !isBlocked(key, now: now) else { return false }
        recordFailure(key, now: now)
        return true
    }

    /// Counts a failed attempt for `key` at `now`, in its running window or in a new one starting
    /// at `now`, whether or not the key is blocked.
    public mutating func recordFailure(_ key: String, now: UInt64) {
        let window = windowMilliseconds, maxFailures = maxFailures
        records.dropOldest { !Self.isRunning($0, now: now, window: window) }
        if let record = records[key], Self.isRunning(record, now: now, window: window) {
            records.modify(key) { $0.failures = min($0.failures + 1, maxFailures) }
            return
        }
        records.store(Record(started: now, failures: 1), for: key)
    }

    /// An attempt `begin` counted at `begunAt` had the right password: it no longer counts. Only
    /// in the window it was counted in (a window started after it does not hold it).
    public mutating func refund(_ key: String, begunAt: UInt64) {
        guard let record = records[key], record.started <= begunAt, record.failures > 0 else { return }
        records.modify(key) { $0.failures -= 1 }
    }

    /// Forgets every attempt of `key` (a user who proved the password).
    public mutating func forget(_ key: String) {
        records.removeValue(forKey: key)
    }

    private struct Record: Sendable {
        let started: UInt64
        var failures: Int
    }

    private static func isRunning(_ record: Record, now: UInt64, window: UInt64) -> Bool {
        now < record.started || now - record.started < window
    }
}
