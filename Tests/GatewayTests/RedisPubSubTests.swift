import Foundation
import Glibc
import Testing
@testable import Gateway
import RedisProtocol

/// `RedisSubscriber` against a real `redis-server`: channels and patterns, RESP2 arrays and
/// RESP3 pushes, subscribing again after the server restarts, and a ping that finds a dead peer.
@Suite(.serialized) struct RedisPubSubTests {
    final class Inbox: @unchecked Sendable {
        var messages: [RedisSubscriber.Message] = []
        var downs = 0
    }

    @Test(arguments: [false, true]) func messagesBeforeAndAfterARestart(resp3: Bool) throws {
        Log.minimumLevel = .error
        let server = try RedisTestServer()
        defer { server.stop() }
        var settings = server.settings
        settings.resp3 = resp3
        let test = RedisTestLoop()
        defer { test.stop() }
        let subscriber = try RedisSubscriber(settings: settings, name: "events", loop: test.loop)
        let publisher = try RedisClient(settings: settings, name: "state", loop: test.loop)
        let inbox = Inbox()
        test.sync {
            subscriber.handler = { inbox.messages.append($0) }
            subscriber.onDown = { _ in inbox.downs += 1 }
            subscriber.subscribe("gw:instance-1")
            subscriber.subscribe(pattern: "user:*")
            subscriber.start()
            publisher.start()
        }
        defer { test.sync { subscriber.stop(); publisher.stop() } }
        #expect(test.eventually { subscriber.confirmed == 2 && publisher.isReady })
        #expect(try publisher.call(test, RESPCommand("PUBLISH", "gw:instance-1", "hello")).get() == .integer(1))
        #expect(try publisher.call(test, RESPCommand("PUBLISH", "user:alice", [0x00, 0xFF] as [UInt8])).get() == .integer(1))
        #expect(test.eventually { inbox.messages.count == 2 })
        #expect(test.sync { inbox.messages } == [
            RedisSubscriber.Message(channel: "gw:instance-1", pattern: nil, payload: Array("hello".utf8)),
            RedisSubscriber.Message(channel: "user:alice", pattern: "user:*", payload: [0x00, 0xFF])])

        server.stop()
        try server.start()
        // Both connections come back on their own; the subscriber subscribes again. Each attempt
        // refused while the server was down counts as a down too: at least the loss itself.
        #expect(test.eventually(15) { subscriber.confirmed == 2 && publisher.isReady })
        #expect(test.sync { inbox.downs } >= 1)
        #expect(try publisher.call(test, RESPCommand("PUBLISH", "user:bob", "after restart")).get() == .integer(1))
        #expect(test.eventually { inbox.messages.count == 3 })
        #expect(test.sync { inbox.messages.last } == RedisSubscriber.Message(channel: "user:bob", pattern: "user:*", payload: Array("after restart".utf8)))
        #expect(try server.cli("PUBSUB", "NUMPAT") == "1")

        test.sync { subscriber.unsubscribe(pattern: "user:*") }
        #expect(test.eventually { subscriber.confirmed == 1 })
        #expect(try publisher.call(test, RESPCommand("PUBLISH", "user:bob", "unheard")).get() == .integer(0))
    }

    @Test func aSilentPeerIsPingedAndDropped() throws {
        Log.minimumLevel = .error
        let mock = try MockRedisServer(.silent)
        defer { mock.stop() }
        var settings = mock.settings
        settings.subscriberPingMilliseconds = 100
        settings.commandTimeoutMilliseconds = 200
        let test = RedisTestLoop()
        defer { test.stop() }
        let subscriber = try RedisSubscriber(settings: settings, name: "events", loop: test.loop)
        let inbox = Inbox()
        test.sync {
            subscriber.onDown = { _ in inbox.downs += 1 }
            subscriber.subscribe("anything")
            subscriber.start()
        }
        defer { test.sync { subscriber.stop() } }
        #expect(test.eventually(3) { inbox.downs >= 1 })
        test.sync { test.loop.metrics.publish() }
        #expect((test.loop.metrics.snapshot().labelled["callgate_redis_errors_total{client=\"events\",kind=\"timeout\"}"] ?? 0) >= 1)
    }
}
