import Foundation
import Glibc
import Testing
@testable import Gateway
import ActionURLs

/// The Action URL dispatcher end to end against real loopback HTTP servers
/// (`ActionURLTestServer`): delivery, retries, give-ups, timeouts, the bounded queue, and that
/// `publish` never waits for a CRM.
@Suite(.serialized) struct ActionURLDispatcherTests {
    /// A started dispatcher for `templates`, with quick retries (10 ms doubling to 40 ms).
    private static func dispatcher(_ templates: [String], attempts: Int = 3, timeoutMilliseconds: Int = 2_000,
                                   queueCapacity: Int = 16) throws -> (ActionURLDispatcher, pthread_t) {
        Log.minimumLevel = .error
        var settings = ActionURLSettings()
        settings.targets = try templates.map { try ActionURLTemplate.parse($0).get() }
        settings.retry = ActionURLRetryPolicy(maxAttempts: attempts, baseDelayMilliseconds: 10, maxDelayMilliseconds: 40,
                                              timeoutMilliseconds: timeoutMilliseconds, queueCapacity: queueCapacity)
        let dispatcher = try ActionURLDispatcher(settings: settings)
        return (dispatcher, dispatcher.start())
    }

    private static func stop(_ running: (ActionURLDispatcher, pthread_t)) {
        running.0.stop()
        pthread_join(running.1, nil)
    }

    private static func values(guid: String, remoteParty: String = "+420 602", remoteAlias: String = "Jiří & Co") -> ActionURLValues {
        ActionURLValues(action: .inbound, direction: .incoming, localParty: "alice@pbx.example", localAlias: "Alice",
                        holdState: .offHold, durationSeconds: 0, created: 1_700_000_000, connected: nil, disconnected: nil,
                        callGuid: guid, remoteParty: remoteParty, remoteAlias: remoteAlias, utcOffsetSeconds: 0)
    }

    /// A counter of the dispatcher's loop (published every tick).
    private static func count(_ dispatcher: ActionURLDispatcher, _ outcome: ActionURLOutcome, port: UInt16) -> Int {
        count(dispatcher, outcome, target: "127.0.0.1:\(port)")
    }

    private static func count(_ dispatcher: ActionURLDispatcher, _ outcome: ActionURLOutcome, target: String) -> Int {
        dispatcher.loop.metrics.snapshot().labelled["callgate_actionurl_requests_total{target=\"\(target)\",outcome=\"\(outcome.rawValue)\"}"] ?? 0
    }

    private static func template(_ port: UInt16) -> String {
        "http://127.0.0.1:\(port)/crm?action=<$action>&remote=<$remote_party>&alias=<$remote_alias>&guid=<$call_guid>"
    }

    @Test func deliversOn200WithTheRequestEncodedAndFramed() throws {
        let server = try ActionURLTestServer()
        defer { server.stop() }
        let running = try Self.dispatcher([Self.template(server.port)])
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1"))
        #expect(server.waitForRequests(1))
        let head = try #require(server.requests.first)
        #expect(head == "GET /crm?action=inbound&remote=%2B420%20602&alias=Ji%C5%99%C3%AD%20%26%20Co&guid=g1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:\(server.port)\r\nUser-Agent: callgate\r\nConnection: close")
        #expect(ActionURLTestServer.eventually(2) { Self.count(running.0, .delivered, port: server.port) == 1 })
        #expect(Self.count(running.0, .retried, port: server.port) == 0)
    }

    @Test func retriesOn500And503ThenDelivers() throws {
        let server = try ActionURLTestServer(script: [.status(500), .status(503), .status(200)])
        defer { server.stop() }
        let running = try Self.dispatcher([Self.template(server.port)], attempts: 5)
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1"))
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .delivered, port: server.port) == 1 })
        #expect(server.requestLines.count == 3)
        #expect(Set(server.requestLines).count == 1)   // the same request each time
        #expect(Self.count(running.0, .retried, port: server.port) == 2)
        #expect(Self.count(running.0, .givenUp, port: server.port) == 0)
    }

    /// 4xx other than 408/429 and 3xx (redirects are not followed) are given up at the first answer.
    @Test(arguments: [404, 302, 400])
    func givesUpAtOnceOnAPermanentStatus(status: Int) throws {
        let server = try ActionURLTestServer(script: [.status(status)])
        defer { server.stop() }
        let running = try Self.dispatcher([Self.template(server.port)], attempts: 5)
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1"))
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .givenUp, port: server.port) == 1 })
        usleep(200_000)   // well past the first backoff ceilings
        #expect(server.requests.count == 1)
        #expect(Self.count(running.0, .retried, port: server.port) == 0)
        #expect(Self.count(running.0, .delivered, port: server.port) == 0)
    }

    @Test func abandonsAnAttemptAfterTheTimeoutAndGivesUpAfterTheLast() throws {
        let server = try ActionURLTestServer(script: [.silent, .silent])
        defer { server.stop() }
        let running = try Self.dispatcher([Self.template(server.port)], attempts: 2, timeoutMilliseconds: 200)
        defer { Self.stop(running) }
        let started = Date()
        running.0.publish(Self.values(guid: "g1"))
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .givenUp, port: server.port) == 1 })
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.4, "two attempts of 200 ms each, got \(elapsed) s")
        #expect(server.requests.count == 2)
        #expect(Self.count(running.0, .retried, port: server.port) == 1)
    }

    @Test func aSecondInterimResponseHeadIsSkippedAndAnOversizedHeadIsAFailure() throws {
        let huge = "HTTP/1.1 200 OK\r\nX-Filler: " + String(repeating: "a", count: 9_000) + "\r\n\r\n"
        let server = try ActionURLTestServer(script: [
            .raw("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
            .raw(huge), .raw("HTTP/1.1 200 OK\r\n"), .raw("garbage\r\n\r\n"),
        ])
        defer { server.stop() }
        let running = try Self.dispatcher([Self.template(server.port)], attempts: 3)
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1"))   // 103 then 204: delivered
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .delivered, port: server.port) == 1 })
        running.0.publish(Self.values(guid: "g2"))   // too large, cut short, malformed: given up
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .givenUp, port: server.port) == 1 })
        #expect(server.requests.count == 4)
        #expect(Self.count(running.0, .retried, port: server.port) == 2)
    }

    @Test func aFullQueueDropsTheOldestWaitingRequest() throws {
        let server = try ActionURLTestServer(script: [.delayed(200, milliseconds: 300)])
        defer { server.stop() }
        let running = try Self.dispatcher([Self.template(server.port)], queueCapacity: 2)
        defer { Self.stop(running) }
        for guid in ["g1", "g2", "g3", "g4", "g5"] { running.0.publish(Self.values(guid: guid)) }
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .delivered, port: server.port) == 3 })
        // g1 was in flight; g2 and g3 were the oldest waiting when g4 and g5 came. In order.
        #expect(server.requestLines.map { $0.split(separator: "guid=")[1].prefix(2) } == ["g1", "g4", "g5"])
        #expect(Self.count(running.0, .dropped, port: server.port) == 2)
    }

    @Test func aDeadPortIsRetriedThenGivenUp() throws {
        // A port that was free a moment ago: nothing listens, connect is refused.
        let probe = try ActionURLTestServer()
        let port = probe.port
        probe.stop()
        let running = try Self.dispatcher([Self.template(port)], attempts: 3)
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1"))
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .givenUp, port: port) == 1 })
        #expect(Self.count(running.0, .retried, port: port) == 2)
    }

    /// RFC 6761 §6.4: `.invalid` never resolves. The host is looked up once, at start; its
    /// requests are given up without retries (another attempt would not resolve it either).
    @Test func aHostThatDidNotResolveAtStartIsGivenUpAtOnce() throws {
        let running = try Self.dispatcher(["http://callgate-test.invalid:8080/crm?a=<$action>"], attempts: 3)
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1"))
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .givenUp, target: "callgate-test.invalid:8080") == 1 })
        #expect(Self.count(running.0, .retried, target: "callgate-test.invalid:8080") == 0)
    }

    @Test func aValueThatCannotBeRenderedIsCountedAndNothingIsSent() throws {
        let server = try ActionURLTestServer()
        defer { server.stop() }
        let running = try Self.dispatcher(["http://127.0.0.1:\(server.port)/calls/<$remote_party>"])
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g1", remoteParty: ".."))   // would climb the CRM's path
        running.0.publish(Self.values(guid: "g2", remoteParty: "602"))
        #expect(ActionURLTestServer.eventually(3) { Self.count(running.0, .delivered, port: server.port) == 1 })
        #expect(Self.count(running.0, .renderFailed, port: server.port) == 1)
        #expect(server.requestLines == ["GET /calls/602 HTTP/1.1"])
    }

    /// A CRM that never answers holds its own target only: publish returns at once, and the
    /// other target is served meanwhile.
    @Test func aStuckTargetDelaysNeitherPublishNorTheOtherTargets() throws {
        let stuck = try ActionURLTestServer(fallback: .silent)
        defer { stuck.stop() }
        let healthy = try ActionURLTestServer()
        defer { healthy.stop() }
        let running = try Self.dispatcher([Self.template(stuck.port), Self.template(healthy.port)],
                                          timeoutMilliseconds: 5_000, queueCapacity: 1_000)
        defer { Self.stop(running) }
        running.0.publish(Self.values(guid: "g0"))
        #expect(stuck.waitForRequests(1))
        let count = 200
        let elapsed = ContinuousClock().measure {
            for index in 1...count { running.0.publish(Self.values(guid: "g\(index)")) }
        }
        print("actionurl publish: \(elapsed / count) per call while a target is stuck")
        #expect(elapsed < .milliseconds(200), "publish took \(elapsed) for \(count) calls")
        #expect(ActionURLTestServer.eventually(10) { Self.count(running.0, .delivered, port: healthy.port) == count + 1 })
        #expect(stuck.requests.count == 1)
    }

    /// Throughput of one target against a loopback server that answers at once (a new TCP
    /// connection per request, one at a time). Printed, with a loose bound.
    @Test func deliversABurstInOrder() throws {
        let server = try ActionURLTestServer()
        defer { server.stop() }
        let count = 1_000
        let running = try Self.dispatcher([Self.template(server.port)], queueCapacity: count)
        defer { Self.stop(running) }
        let started = Date()
        for index in 0..<count { running.0.publish(Self.values(guid: "g\(index)")) }
        #expect(server.waitForRequests(count, seconds: 20))
        let elapsed = Date().timeIntervalSince(started)
        print("actionurl burst: \(count) requests in \(Int(elapsed * 1_000)) ms, \(Int(Double(count) / elapsed)) per second")
        #expect(ActionURLTestServer.eventually(2) { Self.count(running.0, .delivered, port: server.port) == count })
        #expect(server.requestLines.map { String($0.split(separator: "guid=")[1].prefix(while: { $0 != " " })) }
                == (0..<count).map { "g\($0)" })
    }
}
