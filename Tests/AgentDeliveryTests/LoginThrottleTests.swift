import Testing
@testable import AgentDelivery

/// Failed logins per key; a blocked key gets `loginError` code 5 (docs/agent-protocol.md §5.1).
@Suite struct LoginThrottleTests {
    @Test func blocksAtMaxFailuresInsideTheWindow() {
        var throttle = LoginThrottle(maxFailures: 3, windowMilliseconds: 60_000, capacity: 100)
        #expect(throttle.isBlocked("alice", now: 0) == false)
        throttle.recordFailure("alice", now: 0)
        throttle.recordFailure("alice", now: 10_000)
        #expect(throttle.isBlocked("alice", now: 10_000) == false)
        throttle.recordFailure("alice", now: 20_000)
        #expect(throttle.isBlocked("alice", now: 20_000) == true)
        #expect(throttle.isBlocked("bob", now: 20_000) == false)
    }

    @Test func blockEndsWhenTheWindowSinceTheFirstFailurePasses() {
        var throttle = LoginThrottle(maxFailures: 2, windowMilliseconds: 60_000, capacity: 100)
        throttle.recordFailure("alice", now: 1_000)
        throttle.recordFailure("alice", now: 50_000)
        throttle.recordFailure("alice", now: 55_000)
        #expect(throttle.isBlocked("alice", now: 60_999) == true)
        #expect(throttle.isBlocked("alice", now: 61_000) == false)
        #expect(throttle.count == 0)
        // A new window starts with the next failure.
        throttle.recordFailure("alice", now: 62_000)
        #expect(throttle.isBlocked("alice", now: 62_000) == false)
        throttle.recordFailure("alice", now: 121_999)
        #expect(throttle.isBlocked("alice", now: 121_999) == true)
        #expect(throttle.isBlocked("alice", now: 122_000) == false)
    }

    @Test func failuresSpreadOverWindowsDoNotBlock() {
        var throttle = LoginThrottle(maxFailures: 2, windowMilliseconds: 1_000, capacity: 100)
        throttle.recordFailure("alice", now: 0)
        throttle.recordFailure("alice", now: 1_000)
        #expect(throttle.isBlocked("alice", now: 1_000) == false)
        throttle.recordFailure("alice", now: 1_999)
        #expect(throttle.isBlocked("alice", now: 1_999) == true)
    }

    @Test func forgetWipesTheKey() {
        var throttle = LoginThrottle(maxFailures: 2, windowMilliseconds: 60_000, capacity: 100)
        throttle.recordFailure("alice", now: 0)
        throttle.forget("alice")
        throttle.recordFailure("alice", now: 1)
        #expect(throttle.isBlocked("alice", now: 1) == false)
        throttle.recordFailure("alice", now: 2)
        #expect(throttle.isBlocked("alice", now: 2) == true)
        throttle.forget("alice")
        #expect(throttle.isBlocked("alice", now: 3) == false)
        #expect(throttle.count == 0)
    }

    @Test func capacityEvictsTheOldestKey() {
        var throttle = LoginThrottle(maxFailures: 1, windowMilliseconds: 60_000, capacity: 2)
        throttle.recordFailure("10.0.0.1", now: 0)
        throttle.recordFailure("10.0.0.2", now: 1)
        throttle.recordFailure("10.0.0.3", now: 2)
        #expect(throttle.count == 2)
        #expect(throttle.isBlocked("10.0.0.1", now: 3) == false)
        #expect(throttle.isBlocked("10.0.0.2", now: 3) == true)
        #expect(throttle.isBlocked("10.0.0.3", now: 3) == true)
    }

    @Test func expiredKeysMakeRoomBeforeLiveOnesAreEvicted() {
        var throttle = LoginThrottle(maxFailures: 1, windowMilliseconds: 1_000, capacity: 2)
        throttle.recordFailure("a", now: 0)
        throttle.recordFailure("b", now: 900)
        throttle.recordFailure("c", now: 1_000)
        #expect(throttle.count == 2)
        #expect(throttle.isBlocked("b", now: 1_000) == true)
        #expect(throttle.isBlocked("c", now: 1_000) == true)
    }

    /// Keys failing and succeeding over and over keep the bookkeeping bounded.
    @Test func churnStaysBounded() {
        var throttle = LoginThrottle(maxFailures: 3, windowMilliseconds: 60_000, capacity: 5)
        for index in 0..<1_000 {
            throttle.recordFailure("alice", now: UInt64(index))
            throttle.forget("alice")
        }
        throttle.recordFailure("bob", now: 1_000)
        throttle.recordFailure("bob", now: 1_001)
        throttle.recordFailure("bob", now: 1_002)
        #expect(throttle.count == 1)
        #expect(throttle.isBlocked("bob", now: 1_003) == true)
    }

    /// issue 18: an attempt counts when it begins, before its password is checked, so attempts
    /// in flight block the ones after them; a blocked `begin` counts nothing.
    @Test func beginCountsBeforeTheOutcome() {
        var throttle = LoginThrottle(maxFailures: 5, windowMilliseconds: 300_000, capacity: 100)
        // 40 attempts arrive before any finishes: five go ahead, 35 are refused.
        let admitted = (0..<40).map { _ in throttle.begin("bob", now: 1_000) }
        #expect(admitted.filter { $0 }.count == 5)
        #expect(admitted.prefix(5).allSatisfy { $0 } && !admitted.dropFirst(5).contains(true))
        #expect(throttle.isBlocked("bob", now: 1_000) == true)
        // The block lasts the window from the first attempt, however many more were refused.
        #expect(throttle.begin("bob", now: 300_999) == false)
        #expect(throttle.begin("bob", now: 301_000) == true)
        #expect(throttle.isBlocked("carol", now: 1_000) == false)
    }

    @Test func refundTakesBackOneAttemptOfItsWindow() {
        var throttle = LoginThrottle(maxFailures: 2, windowMilliseconds: 1_000, capacity: 100)
        #expect(throttle.begin("10.0.0.1", now: 0) == true)
        #expect(throttle.begin("10.0.0.1", now: 10) == true)
        #expect(throttle.isBlocked("10.0.0.1", now: 20) == true)
        throttle.refund("10.0.0.1", begunAt: 10)
        #expect(throttle.isBlocked("10.0.0.1", now: 20) == false)
        #expect(throttle.begin("10.0.0.1", now: 20) == true)
        #expect(throttle.begin("10.0.0.1", now: 30) == false)
        // An attempt of a window that has since passed does not reach into the next one.
        #expect(throttle.begin("10.0.0.1", now: 1_000) == true)
        #expect(throttle.begin("10.0.0.1", now: 1_001) == true)
        throttle.refund("10.0.0.1", begunAt: 30)
        #expect(throttle.isBlocked("10.0.0.1", now: 1_002) == true)
        // Refunds never go below nothing, and an unknown key is left alone.
        for _ in 0..<3 { throttle.refund("10.0.0.1", begunAt: 1_000) }
        throttle.refund("10.0.0.2", begunAt: 1_000)
        #expect(throttle.count == 1)
        #expect(throttle.begin("10.0.0.1", now: 1_003) == true)
        #expect(throttle.begin("10.0.0.1", now: 1_003) == true)
        #expect(throttle.begin("10.0.0.1", now: 1_003) == false)
    }
}
