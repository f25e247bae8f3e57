import Testing
@testable import ActionURLs
@testable import AgentProtocol

/// Retries with full-jitter backoff, attempt limits, and the bounded per-target queue.
@Suite struct ActionURLTargetQueueTests {
    typealias Queue = ActionURLTargetQueue<String>

    @Test func outcomes() {
        #expect(ActionURLRetryPolicy.outcome(status: 200) == .success)
        #expect(ActionURLRetryPolicy.outcome(status: 204) == .success)
        for status in [408, 429, 500, 502, 503, 599] { #expect(ActionURLRetryPolicy.outcome(status: status) == .retry) }
        for status in [301, 302, 400, 401, 403, 404, 410, 100] { #expect(ActionURLRetryPolicy.outcome(status: status) == .permanent) }
    }

    @Test func scheduleCeilings() {
        let policy = ActionURLRetryPolicy()
        #expect((1...9).map { policy.delayCeiling(afterFailures: $0) } == [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000])
        #expect(policy.delayCeiling(afterFailures: 200) == 30_000)
    }

    @Test func retriesUntilGivenUp() {
        var queue = Queue(policy: ActionURLRetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 100, maxDelayMilliseconds: 250))
        _ = queue.enqueue("a", now: 0)
        _ = queue.enqueue("b", now: 0)
        var now: UInt64 = 0
        var delays: [UInt64] = []
        for attempt in 1...4 {
            guard case .send(let request, let number) = queue.nextDue(now: now) else { Issue.record("not due"); return }
            #expect(request == "a" && number == attempt)
            #expect(queue.isInFlight)
            if case .busy = queue.nextDue(now: now) {} else { Issue.record("not busy while in flight") }
            switch queue.failed(now: now + 10, fraction: 1) {
            case .retry(let at):
                delays.append(at - (now + 10))
                if case .wait(let until) = queue.nextDue(now: at - 1) { #expect(until == at) } else { Issue.record("due early") }
                now = at
            case .gaveUp(let request):
                #expect(attempt == 4 && request == "a")
            }
        }
        // Ceilings 100, 200, 250 (capped): fraction 1 waits the whole ceiling.
        #expect(delays == [100, 200, 250])
        #expect(queue.givenUp == 1 && queue.retries == 3 && queue.delivered == 0)
        // The next request starts fresh and at once.
        guard case .send("b", attempt: 1) = queue.nextDue(now: now + 10) else { Issue.record("b not sent"); return }
        queue.succeeded(now: now + 20)
        #expect(queue.delivered == 1 && queue.count == 0)
        if case .idle = queue.nextDue(now: now + 30) {} else { Issue.record("not idle") }
    }

    @Test func jitterStaysWithinTheCeiling() {
        for fraction in [0.0, 0.25, 0.5, 0.999_999, 1.0, -3, 7] {
            var queue = Queue(policy: ActionURLRetryPolicy(maxAttempts: 10, baseDelayMilliseconds: 500, maxDelayMilliseconds: 30_000))
            _ = queue.enqueue("a", now: 0)
            var now: UInt64 = 1_000
            for failures in 1...9 {
                _ = queue.nextDue(now: now)
                guard case .retry(let at) = queue.failed(now: now, fraction: fraction) else { Issue.record("gave up"); return }
                let delay = Int(at - now)
                #expect(delay >= 1 && delay <= queue.policy.delayCeiling(afterFailures: failures), "\(fraction) \(failures)")
                now = at
            }
        }
    }

    @Test func permanentFailureGivesUpAtOnce() {
        var queue = Queue(policy: ActionURLRetryPolicy())
        _ = queue.enqueue("a", now: 0)
        _ = queue.nextDue(now: 0)
        guard case .gaveUp("a") = queue.failed(now: 5, fraction: 0.5, permanent: true) else { Issue.record("retried"); return }
        #expect(queue.givenUp == 1 && queue.count == 0)
    }

    @Test func oneAtATimeInOrder() {
        var queue = Queue(policy: ActionURLRetryPolicy())
        for name in ["inbound", "connected", "disconnected"] { _ = queue.enqueue(name, now: 0) }
        var sent: [String] = []
        while case .send(let request, _) = queue.nextDue(now: 1) {
            sent.append(request)
            queue.succeeded(now: 1)
        }
        #expect(sent == ["inbound", "connected", "disconnected"])
        #expect(queue.enqueued == 3 && queue.delivered == 3)
    }

    @Test func fullQueueDropsTheOldestWaiting() {
        var queue = Queue(policy: ActionURLRetryPolicy(queueCapacity: 2))
        _ = queue.enqueue("1", now: 0)
        guard case .send("1", attempt: 1) = queue.nextDue(now: 0) else { Issue.record("1 not sent"); return }
        // "1" is in flight and does not count; "2" and "3" fill the queue.
        if case .queued = queue.enqueue("2", now: 1) {} else { Issue.record("2 dropped something") }
        if case .queued = queue.enqueue("3", now: 2) {} else { Issue.record("3 dropped something") }
        guard case .queuedDroppingOldest("2") = queue.enqueue("4", now: 3) else { Issue.record("2 not dropped"); return }
        guard case .queuedDroppingOldest("3") = queue.enqueue("5", now: 4) else { Issue.record("3 not dropped"); return }
        #expect(queue.dropped == 2 && queue.count == 3)
        // The request in flight is never dropped.
        queue.succeeded(now: 5)
        var sent: [String] = []
        while case .send(let request, _) = queue.nextDue(now: 6) {
            sent.append(request)
            queue.succeeded(now: 6)
        }
        #expect(sent == ["4", "5"])
    }

    @Test func aHeadWaitingForItsRetryIsTheOldestWaiting() {
        var queue = Queue(policy: ActionURLRetryPolicy(queueCapacity: 2))
        _ = queue.enqueue("1", now: 0)
        _ = queue.nextDue(now: 0)
        guard case .retry(let at) = queue.failed(now: 0, fraction: 1) else { Issue.record("gave up"); return }
        #expect(at == 500)
        _ = queue.enqueue("2", now: 1)
        guard case .queuedDroppingOldest("1") = queue.enqueue("3", now: 2) else { Issue.record("1 not dropped"); return }
        // "2" is the head now: fresh, due at once, first attempt.
        guard case .send("2", attempt: 1) = queue.nextDue(now: 3) else { Issue.record("2 not due"); return }
        #expect(queue.dropped == 1 && queue.givenUp == 0)
    }

    @Test func capacityOne() {
        var queue = Queue(policy: ActionURLRetryPolicy(queueCapacity: 1))
        _ = queue.enqueue("1", now: 0)
        guard case .queuedDroppingOldest("1") = queue.enqueue("2", now: 0) else { Issue.record("1 not dropped"); return }
        _ = queue.nextDue(now: 0)
        if case .queued = queue.enqueue("3", now: 0) {} else { Issue.record("3 dropped something") }
        guard case .queuedDroppingOldest("3") = queue.enqueue("4", now: 0) else { Issue.record("3 not dropped"); return }
        #expect(queue.count == 2 && queue.dropped == 2)
    }
}
