import Foundation
import Glibc
import Testing
@testable import Gateway
import AgentDelivery
import RedisProtocol
import LastCallersWidget
import CallControlMessages

/// The state-engine seam: one contract, checked against `MemoryStateEngine` and against
/// `RedisStateEngine` on a real `redis-server`; then what only Redis can lose (FLUSHALL, a
/// trimmed stream, a flushed script cache).
@Suite(.serialized) struct StateEngineTests {
    /// An engine on a loop, with blocking calls for the test.
    final class Harness: @unchecked Sendable {
        let test = RedisTestLoop()
        var engine: StateEngine!
        var redis: RedisClient?
        var server: RedisTestServer?
        var published: [(channel: String, bytes: [UInt8])] = []
        let name: String

        init(redis: Bool, settings: StateEngineSettings) throws {
            Log.minimumLevel = .error
            name = redis ? "redis" : "memory"
            if redis {
                let server = try RedisTestServer()
                let client = try RedisClient(settings: server.settings, name: "state", loop: test.loop)
                test.sync { client.start() }
                self.server = server
                self.redis = client
                engine = RedisStateEngine(client: client, settings: settings)
                #expect(test.eventually { client.isReady })
            } else {
                let memory = MemoryStateEngine(settings: settings, now: MonotonicClock.nowMilliseconds)
                memory.onPublish = { [unowned self] in self.published.append(($0, $1)) }
                engine = memory
            }
        }

        func stop() {
            if let redis { test.sync { redis.stop() } }
            test.stop()
            server?.stop()
        }

        func call<T>(_ body: @escaping @Sendable (StateEngine, @escaping (Result<T, StateEngineError>) -> Void) -> Void) throws -> T {
            let engine = self.engine!
            guard let result: Result<T, StateEngineError> = test.wait(10, { finish in body(engine, finish) }) else {
                throw StateEngineError.unexpectedReply("no answer within 10 s")
            }
            return try result.get()
        }

        func append(_ user: String, _ text: String, channel: String? = nil) throws -> StreamPosition {
            try call { $0.append(user: user, event: NumberedEvent(plain: Array(text.utf8)), number: nil, publishTo: channel, completion: $1) }!.position
        }

        func read(_ user: String, after position: StreamPosition) throws -> StreamRead {
            try call { $0.read(user: user, after: position, completion: $1) }
        }
    }

    static func events(_ seqs: ClosedRange<UInt64>, epoch: String) -> [StreamEntry] {
        seqs.map { StreamEntry(position: StreamPosition(epoch: epoch, seq: $0), bytes: Array("event \($0)".utf8)) }
    }

    @Test(arguments: [false, true]) func appendNumbersEventsAndReadReplaysAfterASeq(redis: Bool) throws {
        let harness = try Harness(redis: redis, settings: StateEngineSettings())
        defer { harness.stop() }
        #expect(try harness.read("alice", after: .start) == .complete([], top: .start))
        let positions = try (1...3).map { try harness.append("alice", "event \($0)") }
        let epoch = positions[0].epoch
        #expect(!epoch.isEmpty && positions.map(\.epoch) == [epoch, epoch, epoch] && positions.map(\.seq) == [1, 2, 3])
        let end = StreamPosition(epoch: epoch, seq: 3)
        #expect(try harness.read("alice", after: StreamPosition(epoch: epoch, seq: 1)) == .complete(Self.events(2...3, epoch: end.epoch), top: end))
        #expect(try harness.read("alice", after: StreamPosition(epoch: epoch, seq: 0)) == .complete(Self.events(1...3, epoch: end.epoch), top: end))
        #expect(try harness.read("alice", after: end) == .complete([], top: end))
        // Another epoch, a seq the stream never gave, a tab that has seen nothing: a fresh state.
        #expect(try harness.read("alice", after: StreamPosition(epoch: "old", seq: 1)) == .incomplete(top: end))
        #expect(try harness.read("alice", after: StreamPosition(epoch: epoch, seq: 9)) == .incomplete(top: end))
        #expect(try harness.read("alice", after: .start) == .incomplete(top: end))
        // Users are apart.
        #expect(try harness.append("bob", "event 1").seq == 1)
        #expect(try harness.read("bob", after: .start) == .incomplete(top: StreamPosition(epoch: try harness.read("bob", after: .start).top.epoch, seq: 1)))
    }

    @Test(arguments: [false, true]) func aTabFurtherBehindThanTheCapacityIsIncomplete(redis: Bool) throws {
        var settings = StateEngineSettings()
        settings.streamCapacity = 5
        let harness = try Harness(redis: redis, settings: settings)
        defer { harness.stop() }
        var last = StreamPosition.start
        for index in 1...20 { last = try harness.append("carol", "event \(index)") }
        #expect(try harness.read("carol", after: StreamPosition(epoch: last.epoch, seq: 14)) == .incomplete(top: last))
        #expect(try harness.read("carol", after: StreamPosition(epoch: last.epoch, seq: 15)) == .complete(Self.events(16...20, epoch: last.epoch), top: last))
    }

    @Test(arguments: [false, true]) func eventsOlderThanTheMaximumAgeAreGone(redis: Bool) throws {
        var settings = StateEngineSettings()
        settings.streamMaxAgeMilliseconds = 300
        let harness = try Harness(redis: redis, settings: settings)
        defer { harness.stop() }
        let first = try harness.append("dave", "event 1")
        usleep(450_000)
        let second = try harness.append("dave", "event 2")
        #expect(try harness.read("dave", after: StreamPosition(epoch: first.epoch, seq: 0)) == .incomplete(top: second))
        #expect(try harness.read("dave", after: first) == .complete(Self.events(2...2, epoch: second.epoch), top: second))
    }

    @Test(arguments: [false, true]) func claimsCountersAndSharedSecrets(redis: Bool) throws {
        let harness = try Harness(redis: redis, settings: StateEngineSettings())
        defer { harness.stop() }
        #expect(try harness.call { $0.claim("dial:alice:key-1", ttlMilliseconds: 200, completion: $1) } == true)
        #expect(try harness.call { $0.claim("dial:alice:key-1", ttlMilliseconds: 200, completion: $1) } == false)
        #expect(try harness.call { $0.claim("dial:alice:key-2", ttlMilliseconds: 200, completion: $1) } == true)
        usleep(300_000)
        #expect(try harness.call { $0.claim("dial:alice:key-1", ttlMilliseconds: 200, completion: $1) } == true)

        let counts = try (1...3).map { _ in try harness.call { $0.increment("login:user:alice", windowMilliseconds: 200, completion: $1) } }
        #expect(counts == [1, 2, 3])
        usleep(300_000)
        #expect(try harness.call { $0.increment("login:user:alice", windowMilliseconds: 200, completion: $1) } == 1)

        let first = try harness.call { $0.sharedSecret("session", candidate: [1, 2, 3], completion: $1) }
        let second = try harness.call { $0.sharedSecret("session", candidate: [9, 9, 9], completion: $1) }
        #expect(first == [1, 2, 3] && second == [1, 2, 3])
    }

    @Test(arguments: [false, true]) func appendPublishesTheEventWithItsPosition(redis: Bool) throws {
        let harness = try Harness(redis: redis, settings: StateEngineSettings())
        defer { harness.stop() }
        var subscriber: RedisSubscriber?
        if let server = harness.server {
            let created = try RedisSubscriber(settings: server.settings, name: "events", loop: harness.test.loop)
            harness.test.sync {
                created.handler = { harness.published.append(($0.channel, $0.payload)) }
                created.subscribe("user:erin")
                created.start()
            }
            #expect(harness.test.eventually { created.confirmed == 1 })
            subscriber = created
        }
        defer { if let subscriber { harness.test.sync { subscriber.stop() } } }
        let position = try harness.append("erin", "ringing", channel: "user:erin")
        #expect(harness.test.eventually { !harness.published.isEmpty })
        let message = harness.test.sync { harness.published.first }
        #expect(message?.channel == "user:erin")
        #expect(message.flatMap { UserChannelMessage(bytes: $0.bytes)?.entry } == StreamEntry(position: position, bytes: Array("ringing".utf8)))
    }

    @Test(arguments: [false, true]) func aNumberedEventGetsItsSeqAndEpochWrittenIn(redis: Bool) throws {
        let harness = try Harness(redis: redis, settings: StateEngineSettings())
        defer { harness.stop() }
        let event = NumberedEvent(head: Array(#"{"event":"message","seq":"#.utf8), tail: Array(#","data":{}}"#.utf8))
        let entry = try harness.call { $0.append(user: "judy", event: event, number: nil, publishTo: nil, completion: $1) }!
        #expect(entry.seq == 1 && !entry.epoch.isEmpty)
        #expect(String(decoding: entry.bytes, as: UTF8.self) == #"{"event":"message","seq":1,"epoch":"\#(entry.epoch)","data":{}}"#)
        #expect(try harness.read("judy", after: StreamPosition(epoch: entry.epoch, seq: 0)) == .complete([entry], top: entry.position))
    }

    @Test(arguments: [false, true]) func nobodyIsReplayedPastATombstone(redis: Bool) throws {
        let harness = try Harness(redis: redis, settings: StateEngineSettings())
        defer { harness.stop() }
        let first = try harness.append("kim", "event 1")
        let tombstone = try harness.call { $0.append(user: "kim", event: nil, number: nil, publishTo: nil, completion: $1) }!
        #expect(tombstone.seq == 2 && tombstone.isTombstone)
        let third = try harness.append("kim", "event 3")
        #expect(try harness.read("kim", after: first) == .incomplete(top: third))
        #expect(try harness.read("kim", after: tombstone.position) == .complete([StreamEntry(position: third, bytes: Array("event 3".utf8))], top: third))
    }

    /// Every instance hears the Switchboard service's events and appends them: the stream keeps
    /// each once, by the back end's number; another epoch of the back end's numbers is new.
    @Test(arguments: [false, true]) func anEventNumberedByTheBackEndIsAppendedOnce(redis: Bool) throws {
        let harness = try Harness(redis: redis, settings: StateEngineSettings())
        defer { harness.stop() }
        func append(_ text: String, _ number: EventNumber) throws -> StreamEntry? {
            try harness.call { $0.append(user: "lee", event: NumberedEvent(plain: Array(text.utf8)), number: number, publishTo: nil, completion: $1) }
        }
        #expect(try append("one", EventNumber(epoch: "b1", n: 1))?.seq == 1)
        #expect(try append("one again", EventNumber(epoch: "b1", n: 1)) == nil)
        #expect(try append("two", EventNumber(epoch: "b1", n: 2))?.seq == 2)
        #expect(try append("an old one", EventNumber(epoch: "b1", n: 1)) == nil)
        #expect(try append("after a restart", EventNumber(epoch: "b2", n: 1))?.seq == 3)
        #expect(try harness.append("lee", "unnumbered").seq == 4)
    }

    // MARK: Redis only

    @Test func afterFlushAllATabIsToldIncompleteAndANewEpochStartsAtOne() throws {
        let harness = try Harness(redis: true, settings: StateEngineSettings())
        defer { harness.stop() }
        let before = try (1...3).map { try harness.append("frank", "event \($0)") }.last!
        #expect(try harness.server!.cli("FLUSHALL") == "OK")
        #expect(try harness.read("frank", after: before) == .incomplete(top: .start))
        let after = try harness.append("frank", "event 1")
        #expect(after.seq == 1 && after.epoch != before.epoch)
        #expect(try harness.read("frank", after: before) == .incomplete(top: after))
        #expect(try harness.read("frank", after: StreamPosition(epoch: after.epoch, seq: 0)) == .complete(Self.events(1...1, epoch: after.epoch), top: after))
    }

    @Test func aSeqBelowTheStreamsFirstEntryIsIncomplete() throws {
        let harness = try Harness(redis: true, settings: StateEngineSettings())
        defer { harness.stop() }
        var last = StreamPosition.start
        for index in 1...10 { last = try harness.append("grace", "event \(index)") }
        // Trimmed behind the engine's back (an operator, or memory pressure with MAXLEN).
        #expect(try harness.server!.cli("XTRIM", "callgate:{u:grace}:stream", "MAXLEN", "2") == "8")
        #expect(try harness.read("grace", after: StreamPosition(epoch: last.epoch, seq: 7)) == .incomplete(top: last))
        #expect(try harness.read("grace", after: StreamPosition(epoch: last.epoch, seq: 8)) == .complete(Self.events(9...10, epoch: last.epoch), top: last))
        // The meta hash holds the epoch and the seq; the stream's IDs are the seqs.
        #expect(try harness.server!.cli("HGET", "callgate:{u:grace}:meta", "seq") == "10")
        #expect(try harness.server!.cli("XINFO", "STREAM", "callgate:{u:grace}:stream").contains("10-0"))
    }

    @Test func scriptsComeBackAfterTheServerForgetsThem() throws {
        let harness = try Harness(redis: true, settings: StateEngineSettings())
        defer { harness.stop() }
        let first = try harness.append("heidi", "event 1")
        #expect(try harness.server!.cli("SCRIPT", "FLUSH") == "OK")
        let second = try harness.append("heidi", "event 2")
        #expect(second == StreamPosition(epoch: first.epoch, seq: 2))
        harness.test.sync { harness.test.loop.metrics.publish() }
        // Sent as source twice: at its first use on this server, and after the flush.
        #expect(harness.test.loop.metrics.snapshot().labelled["callgate_redis_script_loads_total{client=\"state\"}"] == 2)
    }

    /// The leases of docs/cluster.md §6.4 on the real server: one holder at a time; only the holder
    /// renews or frees it; one not renewed lapses.
    @Test func aLeaseHasOneHolderWhoAloneRenewsAndFreesIt() throws {
        let harness = try Harness(redis: true, settings: StateEngineSettings())
        defer { harness.stop() }
        let engine = harness.engine as! RedisStateEngine
        func acquire(_ holder: String, _ ttl: Int = 300) throws -> Bool {
            try harness.call { _, done in engine.acquireLease("link-1", holder: holder, ttlMilliseconds: ttl, completion: done) }
        }
        func renew(_ holder: String) throws -> Bool {
            try harness.call { _, done in engine.renewLease("link-1", holder: holder, ttlMilliseconds: 300, completion: done) }
        }
        func held() throws -> Bool { try harness.call { _, done in engine.leaseHeld("link-1", completion: done) } }
        #expect(try !held())
        #expect(try acquire("gw-a/1") && held())
        #expect(try !acquire("gw-b/1"))
        #expect(try !renew("gw-b/1"))
        for _ in 0..<3 {  // renewed past its first life
            usleep(150_000)
            #expect(try renew("gw-a/1"))
        }
        #expect(try !acquire("gw-b/1"))
        harness.test.sync { engine.releaseLease("link-1", holder: "gw-b/1") }  // not its own: kept
        #expect(try held())
        harness.test.sync { engine.releaseLease("link-1", holder: "gw-a/1") }
        #expect(try !held() && acquire("gw-b/1", 200))
        usleep(300_000)  // not renewed: lapsed
        #expect(try !held() && !renew("gw-b/1"))
    }

    @Test func redisDownIsAnErrorNotALoss() throws {
        let harness = try Harness(redis: true, settings: StateEngineSettings())
        defer { harness.stop() }
        _ = try harness.append("ivan", "event 1")
        harness.server!.stop()
        #expect(throws: StateEngineError.self) { try harness.append("ivan", "event 2") }
    }

    /// The shared last callers (docs/cluster.md §6.5) on the real server: an agent once per number,
    /// most recent first, `lastCallersLength` kept; past `lastCallersCapacity` numbers the least
    /// recently recorded one is forgotten, list and index; a foreign element is skipped on reading.
    @Test func lastCallersKeepTheBoundsOfOneProcess() throws {
        let harness = try Harness(redis: true, settings: StateEngineSettings(lastCallersLength: 2, lastCallersCapacity: 2))
        defer { harness.stop() }
        let engine = harness.engine as! RedisStateEngine
        func record(_ agent: String, _ number: String, at: Int64) throws {
            let caller = LastCaller(agent: agent, displayName: agent == "alice" ? "Alena" : nil, at: at)
            try harness.call { _, done in engine.recordLastCaller(number: number, caller: caller, completion: done) }
            usleep(2_000)  // the index orders numbers by the record's time (ms)
        }
        func callers(_ number: String) throws -> [String] {
            try harness.call { _, done in engine.lastCallers(number: number, completion: done) }.map(\.agent)
        }
        try record("alice", "+420602000001", at: 1)
        try record("bob", "+420602000001", at: 2)
        try record("alice", "+420602000001", at: 3)
        #expect(try callers("+420602000001") == ["alice", "bob"])
        try record("carol", "+420602000001", at: 4)
        #expect(try callers("+420602000001") == ["carol", "alice"])
        let read = try harness.call { _, done in engine.lastCallers(number: "+420602000001", completion: done) }
        #expect(read[1] == LastCaller(agent: "alice", displayName: "Alena", at: 3))
        try record("dave", "+420602000002", at: 5)
        try record("erin", "+420602000003", at: 6)  // a third number: the least recently recorded goes
        #expect(try callers("+420602000001") == [])
        #expect(try callers("+420602000002") == ["dave"] && callers("+420602000003") == ["erin"])
        #expect(try harness.server!.cli("ZCARD", "callgate:{lc}:numbers") == "2")
        #expect(try harness.server!.cli("EXISTS", "callgate:{lc}:n:+420602000001") == "0")
        #expect(try harness.server!.cli("LPUSH", "callgate:{lc}:n:+420602000002", "not a caller") == "2")
        #expect(try callers("+420602000002") == ["dave"])
    }
}
