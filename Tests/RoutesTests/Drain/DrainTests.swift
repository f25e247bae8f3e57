import Testing
import WSFraming
@testable import Routes
import TestSupport

@Suite struct DrainTests {
    let settings = DrainSettings(deadlineMilliseconds: 60_000, reconnectMinMilliseconds: 2_000, reconnectMaxMilliseconds: 10_000)

    @Test func idleSessionsAreToldToReconnectWithADelayInTheRangeAndSessionsInACallAreKept() {
        var drain = Drain<String>(startedAt: 1_000, settings: settings)
        var random = SplitMix64(seed: 7)
        let actions = drain.review([("idle", false), ("call", true), ("idle2", false)], now: 1_000, using: &random)
        #expect(actions.count == 3)
        #expect(actions[1] == .keep("call"))
        for (index, name) in [(0, "idle"), (2, "idle2")] {
            guard case .reconnect(let session, let delay) = actions[index] else {
                Issue.record("expected a reconnect, got \(actions[index])")
                continue
            }
            #expect(session == name)
            #expect((2_000...10_000).contains(delay))
        }
        #expect(drain.keptCount == 1)
    }

    @Test func delaysAreSpreadOverTheRange() {
        var drain = Drain<Int>(startedAt: 0, settings: settings)
        var random = SplitMix64(seed: 1)
        let delays = drain.review((0..<1_000).map { ($0, false) }, now: 0, using: &random).compactMap { action -> Int? in
            if case .reconnect(_, let delay) = action { return delay }
            return nil
        }
        #expect(delays.count == 1_000)
        #expect(delays.allSatisfy { (2_000...10_000).contains($0) })
        // Jittered: spread over the range, not one value for all (a burst of reconnects).
        #expect(delays.min()! < 3_000 && delays.max()! > 9_000)
        #expect(Set(delays).count > 500)
    }

    @Test func aKeptSessionIsReportedOnceAndToldToReconnectWhenItsCallEnds() {
        var drain = Drain<String>(startedAt: 0, settings: settings)
        var random = SplitMix64(seed: 3)
        #expect(drain.review([("call", true)], now: 0, using: &random) == [.keep("call")])
        #expect(drain.review([("call", true)], now: 250, using: &random) == [])
        let after = drain.review([("call", false)], now: 500, using: &random)
        guard case .reconnect("call", let delay)? = after.first, after.count == 1 else {
            Issue.record("expected one reconnect, got \(after)")
            return
        }
        #expect((2_000...10_000).contains(delay))
        #expect(drain.keptCount == 0)
        // Told once: its closing handshake may still be under way at the next review.
        #expect(drain.review([("call", false)], now: 750, using: &random) == [])
    }

    @Test func atTheDeadlineEverySessionNotYetActedOnGoesAway() {
        var drain = Drain<String>(startedAt: 10_000, settings: settings)
        var random = SplitMix64(seed: 5)
        _ = drain.review([("told", false), ("call", true)], now: 10_000, using: &random)
        #expect(!drain.isOver(at: 69_999))
        #expect(drain.review([("told", false), ("call", true)], now: 69_999, using: &random) == [])
        #expect(drain.isOver(at: 70_000))
        // "told" was told already and is closing: only the kept call is closed.
        #expect(drain.review([("told", false), ("call", true)], now: 70_000, using: &random) == [.goAway("call")])
        #expect(drain.review([("call", true)], now: 70_250, using: &random) == [])
    }

    @Test func aDeadlineOfZeroClosesEverythingAtOnce() {
        var drain = Drain<Int>(startedAt: 5, settings: DrainSettings(deadlineMilliseconds: 0))
        var random = SplitMix64(seed: 9)
        #expect(drain.review([(1, false), (2, true)], now: 5, using: &random) == [.goAway(1), .goAway(2)])
    }

    @Test func aSessionGoneIsForgotten() {
        var drain = Drain<String>(startedAt: 0, settings: settings)
        var random = SplitMix64(seed: 11)
        #expect(drain.review([("a", true)], now: 0, using: &random) == [.keep("a")])
        #expect(drain.review([], now: 250, using: &random) == [])
        #expect(drain.keptCount == 0)
    }

    @Test func theReconnectCloseIs1012WithTheDelayInItsReason() {
        let payload = ClosePayload.reconnect(afterMilliseconds: 3_456)
        #expect(payload.code == .serviceRestart)
        #expect(payload.reason == "draining; reconnect in 3456 ms")
        #expect(payload.reconnectHintMilliseconds == 3_456)
        #expect(ClosePayload(code: .serviceRestart, reason: "back end restarts").reconnectHintMilliseconds == nil)
        #expect(ClosePayload(code: .goingAway, reason: "draining; reconnect in 5 ms").reconnectHintMilliseconds == nil)
        // RFC 6455 §5.5: a control frame's payload (2 bytes of code + reason) is at most 125 bytes.
        #expect(ClosePayload.reconnect(afterMilliseconds: Int.max).reason.utf8.count <= 123)
    }

    @Test func anInvertedRangeIsReadAsItsMinimum() {
        #expect(DrainSettings(reconnectMinMilliseconds: 5_000, reconnectMaxMilliseconds: 1_000).reconnectRange == 5_000...5_000)
    }
}
