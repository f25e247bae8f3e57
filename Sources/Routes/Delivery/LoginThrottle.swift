/// Failed logins per key (a user name, a client address): once `maxFailures` failures fall
/// inside `windowMilliseconds` of the key's first counted failure, the key is blocked until that
/// window passes (`loginError` code 5, docs/agent-protocol.md §5.1). A failure after the window
/// starts a new one. A fixed window per key: `isBlocked`, `recordSuccess` O(1),
/// `recordFailure` amortised O(1).
///
/// Bounded by `capacity` keys: beyond it the key whose window started first is forgotten, even
/// when blocked. So a flood of distinct keys can unblock one; size `capacity` above the keys one
/// window sees, and throttle by address as well as by user.
public struct LoginThrottle: Sendable {
    public let maxFailures: Int
    public let windowMilliseconds: UInt64
    public let capacity: Int
    private var records: [String: Record] = [:]
    /// Keys in the order their windows started; an arrival whose order is not its key's current
    /// one is stale and skipped.
    private var arrivals = RingBuffer<Arrival>()
    private var nextOrder: UInt64 = 0

    public init(maxFailures: Int, windowMilliseconds: UInt64, capacity: Int) {
        precondition(maxFailures >= 1, "LoginThrottle needs maxFailures of at least 1")
        precondition(capacity >= 1, "LoginThrottle needs room for at least one key")
        self.maxFailures = maxFailures
        self.windowMilliseconds = windowMilliseconds
        self.capacity = capacity
    }

    /// How many keys are kept (including expired ones not yet dropped).
    public var count: Int { records.count }

    /// Whether `key` has `maxFailures` failures in a window still running at `now`. A key whose
    /// window has passed is forgotten.
    public mutating func isBlocked(_ key: String, now: UInt64) -> Bool {
        guard let record = records[key] else { return false }
        guard isRunning(record, now: now) else {
            records[key] = nil
            return false
        }
        return record.failures >= maxFailures
    }

    /// Counts a failed login for `key` at `now`, in its running window or in a new one starting
    /// at `now`.
    public mutating func recordFailure(_ key: String, now: UInt64) {
        dropStale(now: now)
        if var record = records[key], isRunning(record, now: now) {
            record.failures = min(record.failures + 1, maxFailures)
            records[key] = record
            return
        }
        let order = nextOrder
        nextOrder += 1
        records[key] = Record(started: now, failures: 1, order: order)
        arrivals.append(Arrival(key: key, order: order))
        while records.count > capacity, let oldest = arrivals.first {
            arrivals.removeFirst()
            if records[oldest.key]?.order == oldest.order { records[oldest.key] = nil }
        }
        // Forgotten keys leave stale arrivals behind the live head; rebuild when they outnumber
        // the live ones (O(n) every n stale: amortised O(1)).
        if arrivals.count > 2 * records.count + 16 {
            arrivals.filter { records[$0.key]?.order == $0.order }
        }
    }

    /// A successful login: forgets `key`'s failures.
    public mutating func recordSuccess(_ key: String) {
        records[key] = nil
    }

    private struct Record: Sendable {
        let started: UInt64
        var failures: Int
        let order: UInt64
    }

    private struct Arrival: Sendable {
        let key: String
        let order: UInt64
    }

    private func isRunning(_ record: Record, now: UInt64) -> Bool {
        now < record.started || now - record.started < windowMilliseconds
    }

    /// Drops stale arrivals and passed windows from the oldest end (arrivals are in time order).
    private mutating func dropStale(now: UInt64) {
        while let oldest = arrivals.first {
            if let record = records[oldest.key], record.order == oldest.order {
                guard !isRunning(record, now: now) else { return }
                records[oldest.key] = nil
            }
            arrivals.removeFirst()
        }
    }
}
