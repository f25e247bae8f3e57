import Testing
@testable import Gateway
import RedisProtocol

/// The scripts of the shared Action URL queues (docs/click-to-call.md §5.1) on a real
/// `redis-server`: push with the capacity, take, renew, finish, give back, take over.
@Suite(.serialized) struct ActionURLSharedQueueTests {
    private static let keys = ["t:{aq}:queue:x", "t:{aq}:lease:x", "t:{aq}:owner:x"]

    private final class Scripts: @unchecked Sendable {
        let test = RedisTestLoop()
        let server: RedisTestServer
        let client: RedisClient

        init() throws {
            Log.minimumLevel = .error
            server = try RedisTestServer()
            let client = try RedisClient(settings: server.settings, name: "actionurl", loop: test.loop)
            self.client = client
            test.sync { client.start() }
            let ready = test.eventually { client.isReady }
            #expect(ready)
        }

        func run(_ script: RedisScript, _ keys: [String], _ arguments: [String]) -> RESPValue? {
            let arguments: [any RESPArgument] = arguments
            let client = client
            let result: Result<RESPValue, RedisError>? = test.wait { finish in
                client.evaluate(script, keys: keys, arguments: arguments, completion: finish)
            }
            return try? result?.get()
        }

        func push(_ target: String, capacity: Int = 2) -> RESPValue? { run(ActionURLSharedQueue.pushScript, [keys[0]], [target, "\(capacity)"]) }
        func take(_ me: String) -> RESPValue? { run(ActionURLSharedQueue.takeScript, keys, [me, "5000"]) }
        func renew(_ me: String) -> RESPValue? { run(ActionURLSharedQueue.renewScript, [keys[1]], [me, "5000"]) }
        func finish(_ me: String, _ target: String) -> RESPValue? { run(ActionURLSharedQueue.finishScript, keys, [me, target, "5000"]) }

        func stop() {
            let client = client
            test.sync { client.stop() }
            test.stop()
            server.stop()
        }
    }

    private static func array(_ items: RESPValue...) -> RESPValue { .array(items) }
    private static func text(_ string: String) -> RESPValue { .bulkString(Array(string.utf8)) }

    @Test func oneOwnerSendsInOrderAndGivesTheLeaseBackWhenEmpty() throws {
        let redis = try Scripts()
        defer { redis.stop() }
        #expect(redis.take("a") == Self.array(.integer(0)))  // nothing waits: no lease
        #expect(try redis.server.cli("EXISTS", Self.keys[1]) == "0")
        #expect(redis.push("/1") == Self.array(.integer(1)))
        #expect(redis.push("/2") == Self.array(.integer(2)))
        #expect(redis.take("a") == Self.array(.integer(2), Self.text("/1"), Self.text("")))
        #expect(redis.take("b") == Self.array(.integer(1)))  // held by a
        #expect(redis.renew("a") == .integer(1))
        #expect(redis.renew("b") == .integer(0))
        #expect(redis.finish("b", "/1") == Self.array(.integer(0)))  // not b's: nothing removed
        #expect(try redis.server.cli("LLEN", Self.keys[0]) == "2")
        #expect(redis.finish("a", "/1") == Self.array(.integer(2), Self.text("/2")))
        #expect(redis.finish("a", "/2") == Self.array(.integer(1)))  // empty: given back
        #expect(try redis.server.cli("EXISTS", Self.keys[0], Self.keys[1], Self.keys[2]) == "0")
    }

    @Test func aFullQueueDropsTheOldestWaitingNotTheFirst() throws {
        let redis = try Scripts()
        defer { redis.stop() }
        for target in ["/1", "/2", "/3"] { _ = redis.push(target) }
        #expect(redis.push("/4") == Self.array(.integer(3), Self.text("/2")))
        #expect(try redis.server.cli("LRANGE", Self.keys[0], "0", "-1") == "/1\n/3\n/4")
    }

    @Test func aLapsedLeaseIsTakenOverWithTheFirstRequestStillWaiting() throws {
        let redis = try Scripts()
        defer { redis.stop() }
        _ = redis.push("/1")
        _ = redis.push("/2")
        #expect(redis.take("a") == Self.array(.integer(2), Self.text("/1"), Self.text("")))
        _ = try redis.server.cli("DEL", Self.keys[1])  // a died: its lease lapsed, /1 was never removed
        #expect(redis.renew("a") == .integer(0))
        #expect(redis.take("b") == Self.array(.integer(2), Self.text("/1"), Self.text("a")))
        #expect(redis.finish("a", "/1") == Self.array(.integer(0)))  // a late removal by a does nothing
        #expect(redis.finish("b", "/1") == Self.array(.integer(2), Self.text("/2")))
        let ttl = Int(try redis.server.cli("PTTL", Self.keys[1])) ?? 0
        #expect(ttl > 4_000 && ttl <= 5_000)  // the removal renewed b's lease
    }
}
