import Testing
@testable import AgentDelivery

/// Password attempts per user name and per address (docs/agent-protocol.md §5.1; issue 18,
/// defects 1 and 2).
@Suite struct LoginLimiterTests {
    static func limiter(user: Int = 5, address: Int = 100) -> LoginLimiter {
        LoginLimiter(userMaxFailures: user, addressMaxFailures: address, windowMilliseconds: 300_000, capacity: 1_000)
    }

    /// A batch in flight: the user's limit stops it at five, whatever the outcomes.
    @Test func aParallelBatchIsStoppedAtTheUsersLimit() {
        var logins = Self.limiter()
        let started = (0..<40).map { _ in logins.begin(user: "bob", address: "10.0.0.1", now: 0) }
        #expect(started.filter { (try? $0.get()) != nil }.count == 5)
        #expect(started.dropFirst(5).allSatisfy { $0 == .failure(.user) })
        // The right password in the same batch, past the limit, is not checked either.
        #expect(logins.begin(user: "bob", address: "10.0.0.2", now: 1) == .failure(.user))
    }

    /// An office behind one address: bob's typos block bob, not carol.
    @Test func oneUsersTyposDoNotBlockTheAddress() throws {
        var logins = Self.limiter()
        for _ in 0..<5 { _ = try logins.begin(user: "bob", address: "192.0.2.1", now: 0).get() }
        #expect(logins.begin(user: "bob", address: "192.0.2.1", now: 1) == .failure(.user))
        let carol = try logins.begin(user: "carol", address: "192.0.2.1", now: 1).get()
        #expect(carol == LoginLimiter.Attempt(user: "carol", address: "192.0.2.1", started: 1))
    }

    /// Many user names from one address: blocked at the address's own, higher limit, for every
    /// user name; other addresses are not.
    @Test func theAddressIsBlockedAtItsOwnLimit() throws {
        var logins = Self.limiter(user: 3, address: 8)
        for index in 0..<4 {
            for _ in 0..<2 { _ = try logins.begin(user: "user\(index)", address: "198.51.100.7", now: 0).get() }
        }
        #expect(logins.begin(user: "alice", address: "198.51.100.7", now: 1) == .failure(.address))
        #expect((try? logins.begin(user: "alice", address: "198.51.100.8", now: 1).get()) != nil)
        // The user's block is reported first when both hold.
        for _ in 0..<2 { _ = try logins.begin(user: "alice", address: "198.51.100.8", now: 1).get() }
        #expect(logins.begin(user: "alice", address: "198.51.100.7", now: 2) == .failure(.user))
        #expect(LoginLimiter.Block.address.reason == "too many failed logins from this address")
    }

    /// A blocked attempt counts nothing anywhere.
    @Test func aRefusedAttemptIsNotCounted() throws {
        var logins = Self.limiter(user: 1, address: 3)
        _ = try logins.begin(user: "bob", address: "a", now: 0).get()
        for _ in 0..<10 { #expect(logins.begin(user: "bob", address: "a", now: 0) == .failure(.user)) }
        _ = try logins.begin(user: "carol", address: "a", now: 0).get()
        _ = try logins.begin(user: "dana", address: "a", now: 0).get()
        #expect(logins.begin(user: "erin", address: "a", now: 0) == .failure(.address))
    }

    /// A right password takes its attempt back from the address, so the logins of a whole
    /// office never add up to a block; wrong ones stay counted.
    @Test func successesDoNotCountAgainstTheAddress() throws {
        var logins = Self.limiter(user: 5, address: 3)
        for index in 0..<50 {
            let attempt = try logins.begin(user: "agent\(index)", address: "office", now: UInt64(index)).get()
            logins.succeeded(attempt)
        }
        #expect(logins.users.count == 0)
        _ = try logins.begin(user: "x", address: "office", now: 60).get()
        _ = try logins.begin(user: "y", address: "office", now: 60).get()
        let right = try logins.begin(user: "alice", address: "office", now: 61).get()
        logins.succeeded(right)
        _ = try logins.begin(user: "z", address: "office", now: 62).get()
        #expect(logins.begin(user: "alice", address: "office", now: 63) == .failure(.address))
    }

    /// A right password forgets the user's count: the agent who mistyped four times and then
    /// got in has the whole allowance again.
    @Test func successForgetsTheUsersCount() throws {
        var logins = Self.limiter()
        for _ in 0..<4 { _ = try logins.begin(user: "bob", address: "a", now: 0).get() }
        let right = try logins.begin(user: "bob", address: "b", now: 1).get()
        logins.succeeded(right)
        for _ in 0..<5 { _ = try logins.begin(user: "bob", address: "c", now: 2).get() }
        #expect(logins.begin(user: "bob", address: "c", now: 3) == .failure(.user))
    }
}
