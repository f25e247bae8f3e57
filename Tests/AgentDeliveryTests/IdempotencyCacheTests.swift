import Testing
@testable import AgentDelivery
import ClickToCall

/// `dial`'s idempotencyKey: a repeat within the window gets the first reply.
@Suite struct IdempotencyCacheTests {
    @Test func repeatWithinTheWindowGetsTheReply() {
        var cache = IdempotencyCache<String>(windowMilliseconds: 1_000, capacity: 10)
        #expect(cache.value(user: "alice", key: "k1", now: 0) == nil)
        cache.remember("call 7", user: "alice", key: "k1", now: 0)
        #expect(cache.value(user: "alice", key: "k1", now: 999) == "call 7")
        #expect(cache.count == 1)
    }

    @Test func keysAreScopedToTheUser() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 1_000, capacity: 10)
        cache.remember(1, user: "alice", key: "k", now: 0)
        cache.remember(2, user: "bob", key: "k", now: 0)
        #expect(cache.value(user: "alice", key: "k", now: 1) == 1)
        #expect(cache.value(user: "bob", key: "k", now: 1) == 2)
        #expect(cache.value(user: "carol", key: "k", now: 1) == nil)
        #expect(cache.value(user: "alice", key: "K", now: 1) == nil)
    }

    @Test func expiresAfterTheWindowAndIsForgotten() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 1_000, capacity: 10)
        cache.remember(1, user: "alice", key: "k", now: 500)
        #expect(cache.value(user: "alice", key: "k", now: 1_499) == 1)
        #expect(cache.value(user: "alice", key: "k", now: 1_500) == nil)
        #expect(cache.count == 0)
        #expect(cache.value(user: "alice", key: "k", now: 1_000) == nil)
    }

    @Test func rememberDropsExpiredEntries() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 1_000, capacity: 10)
        cache.remember(1, user: "alice", key: "a", now: 0)
        cache.remember(2, user: "bob", key: "b", now: 400)
        cache.remember(3, user: "carol", key: "c", now: 1_200)
        #expect(cache.count == 2)
        #expect(cache.value(user: "bob", key: "b", now: 1_200) == 2)
    }

    @Test func rememberingAgainReplacesAndRestartsTheWindow() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 1_000, capacity: 10)
        cache.remember(1, user: "alice", key: "k", now: 0)
        cache.remember(2, user: "alice", key: "k", now: 800)
        #expect(cache.count == 1)
        #expect(cache.value(user: "alice", key: "k", now: 1_500) == 2)
        #expect(cache.value(user: "alice", key: "k", now: 1_800) == nil)
    }

    @Test func capacityEvictsTheOldest() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 10_000, capacity: 2)
        cache.remember(1, user: "alice", key: "a", now: 0)
        cache.remember(2, user: "alice", key: "b", now: 1)
        cache.remember(3, user: "alice", key: "c", now: 2)
        #expect(cache.count == 2)
        #expect(cache.value(user: "alice", key: "a", now: 3) == nil)
        #expect(cache.value(user: "alice", key: "b", now: 3) == 2)
        #expect(cache.value(user: "alice", key: "c", now: 3) == 3)
    }

    /// A key remembered again counts from its latest remembering.
    @Test func capacityEvictsByLatestRemembering() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 10_000, capacity: 2)
        cache.remember(1, user: "alice", key: "a", now: 0)
        cache.remember(2, user: "alice", key: "b", now: 1)
        cache.remember(10, user: "alice", key: "a", now: 2)
        cache.remember(3, user: "alice", key: "c", now: 3)
        #expect(cache.count == 2)
        #expect(cache.value(user: "alice", key: "b", now: 4) == nil)
        #expect(cache.value(user: "alice", key: "a", now: 4) == 10)
        #expect(cache.value(user: "alice", key: "c", now: 4) == 3)
    }

    @Test func zeroCapacityRemembersNothing() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 10_000, capacity: 0)
        cache.remember(1, user: "alice", key: "a", now: 0)
        #expect(cache.count == 0)
        #expect(cache.value(user: "alice", key: "a", now: 0) == nil)
    }

    /// The same key remembered over and over stays one entry and keeps the latest value.
    @Test func manyReplacementsStayBounded() {
        var cache = IdempotencyCache<Int>(windowMilliseconds: 10_000, capacity: 3)
        for index in 0..<1_000 { cache.remember(index, user: "alice", key: "k", now: UInt64(index)) }
        cache.remember(-1, user: "bob", key: "k", now: 1_000)
        #expect(cache.count == 2)
        #expect(cache.value(user: "alice", key: "k", now: 1_000) == 999)
        #expect(cache.value(user: "bob", key: "k", now: 1_000) == -1)
    }

    /// A click-to-call repeat (`DialDedupKey`) within the window places one call.
    @Test func clickToCallRepeatWithinTheWindowPlacesOneCall() {
        var cache = IdempotencyCache<ClickToCallReply>(windowMilliseconds: DialDedupKey.defaultWindowMilliseconds, capacity: 100)
        var placed = 0
        func click(_ user: String, _ number: String, at ms: UInt64) -> ClickToCallReply {
            let request = ClickToCallRequest(dialect: .oktellClient, dial: Dial(agent: .requester, number: number, direction: .city, sequence: .back))
            let key = DialDedupKey(user: user, dial: request.dial)
            if let reply = cache.value(user: key.user, key: key.key, now: ms) { return reply }
            placed += 1
            let reply = ClickToCallReply.success(request, uniqueid: "call-\(placed)")
            cache.remember(reply, user: key.user, key: key.key, now: ms)
            return reply
        }
        let first = click("alice", "+420602123456", at: 1_000)
        #expect(click("alice", "+420602123456", at: 1_300) == first)   // a double click
        #expect(click("alice", "+420602123456", at: 5_999) == first)   // a second tab
        #expect(placed == 1)
        _ = click("bob", "+420602123456", at: 2_000)                  // someone else
        _ = click("alice", "+420602123457", at: 2_000)                // another number
        _ = click("alice", "+420602123456", at: 6_000)                // after the window
        #expect(placed == 4)
    }
}
