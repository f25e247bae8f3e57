import Testing
import CallControlMessages
@testable import Switchboard

/// docs/backend-protocol.md §12.5: per-user numbering of the service's events, and what a gateway
/// that connects again is sent.
@Suite struct EventLogTests {
    private func event(_ user: String, _ reason: String) -> AddressedEvent {
        AddressedEvent(user: user, event: .stateChange(status: .aux, reason: reason))
    }

    private func decoded(_ bytes: [UInt8]) -> CallControlMessage? {
        try? bytes.withUnsafeBytes { CallControlMessage.decode($0) }.get()
    }

    @Test func numbersEachUserApartFromOne() {
        var log = EventLog(epoch: "e1", capacity: 8)
        let messages = [log.append(event("alice", "a1")), log.append(event("bob", "b1")), log.append(event("alice", "a2"))]
        #expect(messages.map(decoded) == [
            .event(user: "alice", n: 1, event: .stateChange(status: .aux, reason: "a1")),
            .event(user: "bob", n: 1, event: .stateChange(status: .aux, reason: "b1")),
            .event(user: "alice", n: 2, event: .stateChange(status: .aux, reason: "a2")),
        ])
        #expect(log.lastN(of: "alice") == 2)
        #expect(log.lastN(of: "carol") == 0)
    }

    @Test func resyncSendsWhatWasMissedInOrder() {
        var log = EventLog(epoch: "e1", capacity: 8)
        var sent: [String: [[UInt8]]] = [:]
        for index in 1...5 {
            sent["alice", default: []].append(log.append(event("alice", "a\(index)")))
            sent["bob", default: []].append(log.append(event("bob", "b\(index)")))
        }
        let result = log.resync(epoch: "e1", after: ["alice": 3, "bob": 5, "carol": 0])
        #expect(result.messages == Array(sent["alice"]![3...]))
        #expect(result.lost.isEmpty)
        // A user the gateway never heard of is not replayed; one it saw from 0 gets everything kept.
        #expect(log.resync(epoch: "e1", after: ["bob": 0]).messages == sent["bob"]!)
    }

    @Test func eventsNoLongerKeptMakeTheUserLost() {
        var log = EventLog(epoch: "e1", capacity: 3)
        var sent: [[UInt8]] = []
        for index in 1...5 { sent.append(log.append(event("alice", "a\(index)"))) }
        // n 3, 4, 5 are kept: after 2 is complete, after 1 is not.
        #expect(log.resync(epoch: "e1", after: ["alice": 2]) == (Array(sent[2...]), []))
        let gap = log.resync(epoch: "e1", after: ["alice": 1])
        #expect(gap.messages.isEmpty)
        #expect(gap.lost == ["alice"])
    }

    @Test func theByteBoundDropsTheOldestEventsButNeverTheNewest() {
        let size = EventLog(epoch: "e1", capacity: 1).appendingSize(event("alice", "a1"))
        // Room for two events' bytes, five kept by count: the byte bound decides.
        var log = EventLog(epoch: "e1", capacity: 5, byteCapacity: 2 * size + size / 2)
        var sent: [[UInt8]] = []
        for index in 1...4 { sent.append(log.append(event("alice", "a\(index)"))) }
        #expect(log.resync(epoch: "e1", after: ["alice": 2]) == (Array(sent[2...]), []))
        #expect(log.resync(epoch: "e1", after: ["alice": 1]).lost == ["alice"])
        // One event larger than the bound is still kept, alone.
        var small = EventLog(epoch: "e1", capacity: 5, byteCapacity: size / 2)
        _ = small.append(event("bob", "b1"))
        let newest = small.append(event("bob", "b2"))
        #expect(small.resync(epoch: "e1", after: ["bob": 1]) == ([newest], []))
        #expect(small.resync(epoch: "e1", after: ["bob": 0]).lost == ["bob"])
    }

    @Test func anotherEpochLosesEveryUserNamed() {
        var log = EventLog(epoch: "e2", capacity: 3)
        _ = log.append(event("alice", "a1"))
        let result = log.resync(epoch: "e1", after: ["bob": 0, "alice": 7])
        #expect(result.messages.isEmpty)
        #expect(result.lost == ["alice", "bob"])
    }

    @Test func aNumberFromTheFutureIsLost() {
        var log = EventLog(epoch: "e1", capacity: 3)
        _ = log.append(event("alice", "a1"))
        #expect(log.resync(epoch: "e1", after: ["alice": 9]).lost == ["alice"])
        #expect(log.resync(epoch: "e1", after: ["alice": 1]) == ([], []))
    }
}

private extension EventLog {
    /// The bytes `event`'s message takes, from a scratch copy.
    func appendingSize(_ event: AddressedEvent) -> Int {
        var scratch = self
        return scratch.append(event).count
    }
}
