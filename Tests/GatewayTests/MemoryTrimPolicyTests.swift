import Testing
@testable import Gateway

/// `limits.trimAfterCloses`: when a loop hands freed memory back (`malloc_trim`).
@Suite struct MemoryTrimPolicyTests {
    @Test func trimsOnceClosesPauseAfterTheThreshold() {
        var policy = MemoryTrimPolicy(threshold: 3)
        policy.connectionClosed(now: 1_000)
        policy.connectionClosed(now: 1_010)
        var due = policy.trimIsDue(now: 2_000, quietMilliseconds: 250)
        #expect(!due, "below the threshold")
        policy.connectionClosed(now: 2_100)
        due = policy.trimIsDue(now: 2_200, quietMilliseconds: 250)
        #expect(!due, "closes still going on")
        due = policy.trimIsDue(now: 2_350, quietMilliseconds: 250)
        #expect(due)
        due = policy.trimIsDue(now: 2_600, quietMilliseconds: 250)
        #expect(!due, "the count starts again")
    }

    @Test func aLongBurstTrimsEveryFewSeconds() {
        var policy = MemoryTrimPolicy(threshold: 2)
        var now: UInt64 = 10_000
        var trims = 0
        // A close every 100 ms for 12 s, asked every 250 ms: never quiet, so the delay bound rules.
        while now < 22_000 {
            policy.connectionClosed(now: now)
            if now % 250 == 0 && policy.trimIsDue(now: now, quietMilliseconds: 250) { trims += 1 }
            now += 100
        }
        #expect(trims == 2, "one per \(MemoryTrimPolicy.maximumDelayMilliseconds) ms")
        let due = policy.trimIsDue(now: now + 250, quietMilliseconds: 250)
        #expect(due, "and once the burst is over")
    }

    @Test func zeroNeverTrims() {
        var policy = MemoryTrimPolicy(threshold: 0)
        for time in stride(from: UInt64(0), to: 10_000, by: 10) { policy.connectionClosed(now: time) }
        let due = policy.trimIsDue(now: 60_000, quietMilliseconds: 250)
        #expect(!due)
    }
}
