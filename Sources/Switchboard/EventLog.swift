import CallControlMessages
import Containers

/// The Switchboard service's events as it sends them to gateways (docs/backend-protocol.md
/// §12.5): each event numbered with its user's next `n`, encoded once as an `event` message, and
/// the last `capacity` of each user kept, so that a gateway that connects again can be sent what
/// it missed (`resync`). Pure: the service's connections send what this returns.
public struct EventLog: Sendable {
    /// Drawn at each start: the counters start again, so a gateway that knew another epoch
    /// missed an unknown number of events.
    public let epoch: String
    /// Events kept per user.
    public let capacity: Int
    /// Bytes of `event` messages kept per user: a user's oldest events go first past either bound.
    public let byteCapacity: Int
    private var users: [String: UserLog] = [:]

    private struct UserLog: Sendable {
        var lastN: UInt64 = 0
        var kept: RingBuffer<[UInt8]>
        var bytes = 0
    }

    public init(epoch: String, capacity: Int, byteCapacity: Int = .max) {
        precondition(capacity >= 1 && byteCapacity >= 1)
        self.epoch = epoch
        self.capacity = capacity
        self.byteCapacity = byteCapacity
    }

    /// Numbers `event` for its user, keeps it, and returns its `event` message.
    public mutating func append(_ event: AddressedEvent) -> [UInt8] {
        var log = users[event.user] ?? UserLog(kept: RingBuffer(maximumCapacity: capacity))
        log.lastN += 1
        let message = CallControlMessage.event(user: event.user, n: log.lastN, encoded: event.event.encoded(seq: nil))
        if log.kept.count == capacity { log.bytes -= log.kept.removeFirst().count }
        log.kept.append(message)
        log.bytes += message.count
        // The newest event stays even alone over the byte bound.
        while log.bytes > byteCapacity && log.kept.count > 1 { log.bytes -= log.kept.removeFirst().count }
        users[event.user] = log
        return message
    }

    /// The user's last `n` (0: none yet).
    public func lastN(of user: String) -> UInt64 {
        users[user]?.lastN ?? 0
    }

    /// What a gateway that knew `epoch` and, per user, the last `n` it received is sent: the
    /// `event` messages after those, user by user, and the users for whom that is not all of
    /// them (every user named, under another epoch; a user whose first missed event is no
    /// longer kept). A user not named is not replayed: the gateway had no interest in them.
    public func resync(epoch: String, after: [String: UInt64]) -> (messages: [[UInt8]], lost: [String]) {
        guard epoch == self.epoch else { return ([], after.keys.sorted()) }
        var messages: [[UInt8]] = []
        var lost: [String] = []
        for (user, seen) in after.sorted(by: { $0.key < $1.key }) {
            guard let log = users[user], log.lastN > seen else {
                // Nothing new, or a number from the future (a confused gateway): nothing to send.
                if seen > lastN(of: user) { lost.append(user) }
                continue
            }
            let missed = Int(log.lastN - seen)
            if missed > log.kept.count {
                lost.append(user)
                continue
            }
            for offset in (log.kept.count - missed)..<log.kept.count { messages.append(log.kept[offset]) }
        }
        return (messages, lost)
    }
}
