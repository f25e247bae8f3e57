import Glibc
import Synchronization
import Testing
@testable import Gateway

/// `EventLoop.post(to:_:)`: what one loop iteration posts to another loop arrives after that
/// iteration, in order, in one batch per target loop (the agent hub's fan-out, docs/architecture.md).
@Suite struct EventLoopPostTests {
    /// Two real loops on their own threads, and a third that posts to them.
    @Test func postsLeaveAtTheEndOfTheIterationInOrderPerLoop() {
        let source = EventLoop(index: -11)
        let first = EventLoop(index: -12)
        let second = EventLoop(index: -13)
        let threads = [source, first, second].map { loop in Thread.spawn(name: "post-test") { loop.run() } }
        defer {
            for loop in [source, first, second] { loop.stop() }
            for thread in threads { pthread_join(thread, nil) }
        }
        let seen = Mutex<[String]>([])
        let done = Semaphore()
        source.execute {
            source.post(to: first) { seen.withLock { $0.append("first 1") } }
            source.post(to: second) { seen.withLock { $0.append("second 1") } }
            source.post(to: first) { seen.withLock { $0.append("first 2") } }
            // Queued after the first post, but run before it: posts wait for the iteration's end.
            first.execute { seen.withLock { $0.append("first direct") } }
            source.post(to: first) {
                seen.withLock { $0.append("first 3") }
                done.signal()
            }
            source.post(to: second) {
                seen.withLock { $0.append("second 2") }
                done.signal()
            }
        }
        #expect(done.wait(seconds: 10) && done.wait(seconds: 10), "both loops ran their posts")
        let order = seen.withLock { $0 }
        #expect(order.filter { $0.hasPrefix("first") } == ["first direct", "first 1", "first 2", "first 3"])
        #expect(order.filter { $0.hasPrefix("second") } == ["second 1", "second 2"])
    }

    /// A post made from a timer tick, with nothing else happening on the loop, leaves in that
    /// same iteration: it does not wait in the outbox while the loop sleeps until the next tick.
    @Test func postsFromATickLeaveWithoutWaitingForTheNextTick() {
        let interval: UInt64 = 3_000
        let source = EventLoop(index: -14, tickIntervalMilliseconds: interval)
        let target = EventLoop(index: -15)
        let threads = [source, target].map { loop in Thread.spawn(name: "post-test") { loop.run() } }
        defer {
            for loop in [source, target] { loop.stop() }
            for thread in threads { pthread_join(thread, nil) }
        }
        let arrived = Semaphore()
        let ticker = PostingTicker(from: source, to: target) { arrived.signal() }
        source.execute { source.addTimed(ticker) }
        #expect(arrived.wait(seconds: 20))
        let delay = ticker.delay.withLock { $0 }
        #expect(delay < interval / 2, "arrived \(delay) ms after the tick that posted it")
    }
}

/// Posts one task to `target` on its first tick, and notes how long it took to arrive.
private final class PostingTicker: TimedHandler, @unchecked Sendable {
    var tickSlot = -1
    let source: EventLoop
    let target: EventLoop
    let arrived: @Sendable () -> Void
    private var posted = false
    let delay = Mutex<UInt64>(.max)

    init(from source: EventLoop, to target: EventLoop, arrived: @escaping @Sendable () -> Void) {
        self.source = source
        self.target = target
        self.arrived = arrived
    }

    func tick(now: UInt64) {
        guard !posted else { return }
        posted = true
        let postedAt = MonotonicClock.nowMilliseconds()
        source.post(to: target) { [self] in
            delay.withLock { $0 = MonotonicClock.nowMilliseconds() - postedAt }
            arrived()
        }
    }
}
