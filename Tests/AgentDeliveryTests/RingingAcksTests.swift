import Testing
@testable import AgentDelivery

/// docs/agent-protocol.md §4 `ack`: a `callRinging` is acknowledged in time, resent, or the
/// agent is unreachable.
@Suite struct RingingAcksTests {
    @Test func ackInTime() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 2)
        acks.expect(user: "alice", seq: 17, now: 0)
        #expect(acks.pendingCount == 1)
        #expect(acks.due(now: 999) == [])
        #expect(acks.acknowledge(user: "alice", seq: 17) == true)
        #expect(acks.pendingCount == 0)
        #expect(acks.due(now: 1_000) == [])
        #expect(acks.due(now: 10_000) == [])
    }

    @Test func resendsThenUnreachable() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 2)
        acks.expect(user: "alice", seq: 17, now: 0)
        #expect(acks.due(now: 999) == [])
        #expect(acks.due(now: 1_000) == [.resend(user: "alice", seq: 17)])
        #expect(acks.due(now: 1_999) == [])
        // The deadline is re-armed from the time of the resend, not the old deadline.
        #expect(acks.due(now: 2_250) == [.resend(user: "alice", seq: 17)])
        #expect(acks.pendingCount == 1)
        #expect(acks.due(now: 3_249) == [])
        #expect(acks.due(now: 3_250) == [.unreachable(user: "alice", seq: 17)])
        #expect(acks.pendingCount == 0)
        #expect(acks.due(now: 100_000) == [])
        #expect(acks.acknowledge(user: "alice", seq: 17) == false)
    }

    @Test func noResendsMeansUnreachableAtTheFirstDeadline() {
        var acks = RingingAcks(timeoutMilliseconds: 500, resends: 0)
        acks.expect(user: "alice", seq: 3, now: 100)
        #expect(acks.due(now: 600) == [.unreachable(user: "alice", seq: 3)])
        #expect(acks.pendingCount == 0)
    }

    @Test func ackAfterAResend() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 1)
        acks.expect(user: "alice", seq: 17, now: 0)
        #expect(acks.due(now: 1_000) == [.resend(user: "alice", seq: 17)])
        #expect(acks.acknowledge(user: "alice", seq: 17) == true)
        #expect(acks.due(now: 5_000) == [])
        #expect(acks.pendingCount == 0)
    }

    @Test func cancelForgetsTheUsersAcks() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 1)
        acks.expect(user: "alice", seq: 17, now: 0)
        acks.expect(user: "alice", seq: 18, now: 10)
        acks.expect(user: "bob", seq: 4, now: 20)
        #expect(acks.pendingCount == 3)
        acks.cancel(user: "alice")
        #expect(acks.pendingCount == 1)
        #expect(acks.due(now: 1_020) == [.resend(user: "bob", seq: 4)])
        #expect(acks.acknowledge(user: "alice", seq: 17) == false)
        acks.cancel(user: "nobody")
        #expect(acks.pendingCount == 1)
    }

    @Test func severalUsersInDeadlineOrder() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 1)
        acks.expect(user: "carol", seq: 1, now: 300)
        acks.expect(user: "alice", seq: 5, now: 100)
        acks.expect(user: "bob", seq: 9, now: 200)
        acks.expect(user: "dave", seq: 2, now: 200)
        #expect(acks.due(now: 1_150) == [.resend(user: "alice", seq: 5)])
        // Equal deadlines come in the order they were armed.
        #expect(acks.due(now: 1_300) == [.resend(user: "bob", seq: 9), .resend(user: "dave", seq: 2), .resend(user: "carol", seq: 1)])
        #expect(acks.acknowledge(user: "dave", seq: 2) == true)
        #expect(acks.due(now: 2_150) == [.unreachable(user: "alice", seq: 5)])
        #expect(acks.due(now: 3_000) == [.unreachable(user: "bob", seq: 9), .unreachable(user: "carol", seq: 1)])
        #expect(acks.pendingCount == 0)
    }

    @Test func oneCallCanPassSeveralDeadlinesBetweenTicks() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 2)
        acks.expect(user: "alice", seq: 1, now: 0)
        acks.expect(user: "alice", seq: 2, now: 500)
        // Each entry is reported once per call; the resend is re-armed from `now`.
        #expect(acks.due(now: 5_000) == [.resend(user: "alice", seq: 1), .resend(user: "alice", seq: 2)])
        #expect(acks.due(now: 5_999) == [])
        #expect(acks.due(now: 6_000) == [.resend(user: "alice", seq: 1), .resend(user: "alice", seq: 2)])
    }

    @Test func zeroTimeoutReportsOncePerCall() {
        var acks = RingingAcks(timeoutMilliseconds: 0, resends: 1)
        acks.expect(user: "alice", seq: 1, now: 10)
        #expect(acks.due(now: 10) == [.resend(user: "alice", seq: 1)])
        #expect(acks.due(now: 10) == [.unreachable(user: "alice", seq: 1)])
    }

    @Test func acknowledgingAnUnknownSeqReturnsFalse() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 1)
        #expect(acks.acknowledge(user: "alice", seq: 1) == false)
        acks.expect(user: "alice", seq: 17, now: 0)
        #expect(acks.acknowledge(user: "alice", seq: 16) == false)
        #expect(acks.acknowledge(user: "bob", seq: 17) == false)
        #expect(acks.acknowledge(user: "alice", seq: 17) == true)
        #expect(acks.acknowledge(user: "alice", seq: 17) == false)
    }

    @Test func expectingAgainStartsOver() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 1)
        acks.expect(user: "alice", seq: 17, now: 0)
        #expect(acks.due(now: 1_000) == [.resend(user: "alice", seq: 17)])
        acks.expect(user: "alice", seq: 17, now: 1_500)
        #expect(acks.pendingCount == 1)
        #expect(acks.due(now: 2_000) == [])
        #expect(acks.due(now: 2_500) == [.resend(user: "alice", seq: 17)])
        #expect(acks.due(now: 3_500) == [.unreachable(user: "alice", seq: 17)])
    }

    @Test func deadlineSaturates() {
        var acks = RingingAcks(timeoutMilliseconds: .max, resends: 0)
        acks.expect(user: "alice", seq: 1, now: 5)
        #expect(acks.due(now: .max - 1) == [])
        #expect(acks.due(now: .max) == [.unreachable(user: "alice", seq: 1)])
    }

    /// Many users expecting and acknowledging: only the unacknowledged are reported, in order.
    @Test func manyUsers() {
        var acks = RingingAcks(timeoutMilliseconds: 1_000, resends: 0)
        for index in 0..<1_000 { acks.expect(user: "user\(index)", seq: UInt64(index), now: UInt64(index)) }
        for index in 0..<1_000 where index % 10 != 0 { acks.acknowledge(user: "user\(index)", seq: UInt64(index)) }
        #expect(acks.pendingCount == 100)
        let due = acks.due(now: 2_000)
        #expect(due == stride(from: 0, to: 1_000, by: 10).map { .unreachable(user: "user\($0)", seq: UInt64($0)) })
        #expect(acks.pendingCount == 0)
    }
}
