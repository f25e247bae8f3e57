import Foundation
import Glibc
import Testing
@testable import Gateway
import RedisProtocol
import TLSBridge

/// The Redis client against a real `redis-server` started here (`RedisTestServer`), and against
/// `MockRedisServer` for failures a real server does not show on cue.
@Suite(.serialized) struct RedisClientTests {
    /// A started client on a fresh loop; `stop` ends both.
    static func client(_ settings: RedisSettings, role: RedisClient.Role = .commands) throws -> (RedisTestLoop, RedisClient) {
        Log.minimumLevel = .error
        let test = RedisTestLoop()
        let client = try RedisClient(settings: settings, name: "test", role: role, loop: test.loop)
        test.sync { client.start() }
        return (test, client)
    }

    static func stop(_ running: (RedisTestLoop, RedisClient)) {
        running.0.sync { running.1.stop() }
        running.0.stop()
    }

    static func metric(_ test: RedisTestLoop, _ key: String) -> Int {
        test.sync { test.loop.metrics.publish() }
        return test.loop.metrics.snapshot().labelled[key] ?? 0
    }

    @Test func tenThousandPipelinedCommandsAreAnsweredInOrder() throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let running = try Self.client(server.settings)
        defer { Self.stop(running) }
        let (test, client) = running
        #expect(test.eventually { client.isReady })
        let count = 10_000
        let started = Date()
        // All sent in one turn of the loop, so they leave in a few writes and are all in flight together.
        let replies: [RESPValue]? = test.wait(30) { finish in
            var replies: [RESPValue] = []
            var maxInFlight = 0
            for index in 0..<count {
                client.send(RESPCommand("ECHO", "message \(index)")) { result in
                    replies.append((try? result.get()) ?? .null)
                    if replies.count == count { finish(replies) }
                }
                maxInFlight = max(maxInFlight, client.pendingCount)
            }
            #expect(maxInFlight == count)
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(replies == (0..<count).map { .bulkString(Array("message \($0)".utf8)) })
        #expect(Self.metric(test, "callgate_redis_round_trips_total{client=\"test\"}") >= count)
        print("redis pipelining: \(count) ECHO round trips in \(Int(elapsed * 1000)) ms")
    }

    @Test func authWithAUserAndPasswordAndSelect() throws {
        let server = try RedisTestServer(extra: ["--user", "default", "off", "--user", "alice", "on", ">wonderland", "~*", "&*", "+@all"])
        defer { server.stop() }
        var settings = server.settings
        settings.username = "alice"
        settings.password = "wonderland"
        settings.database = 3
        let running = try Self.client(settings)
        defer { Self.stop(running) }
        let (test, client) = running
        #expect(try client.call(test, RESPCommand("SET", "greeting", "hello")).get() == .simpleString("OK"))
        // Checked with redis-cli: the key is in database 3, written by alice.
        #expect(try server.cli("--user", "alice", "--pass", "wonderland", "--no-auth-warning", "-n", "3", "GET", "greeting") == "hello")
        #expect(try server.cli("--user", "alice", "--pass", "wonderland", "--no-auth-warning", "-n", "0", "EXISTS", "greeting") == "0")
        let clients = try server.cli("--user", "alice", "--pass", "wonderland", "--no-auth-warning", "CLIENT", "LIST")
        #expect(clients.contains("name=callgate") && clients.contains("user=alice") && clients.contains("db=3"))
    }

    @Test func aWrongPasswordFailsTheHandshakeAndTheCommandsWaitingForIt() throws {
        let server = try RedisTestServer(extra: ["--requirepass", "secret"])
        defer { server.stop() }
        var settings = server.settings
        settings.password = "wrong"
        let running = try Self.client(settings)
        defer { Self.stop(running) }
        let (test, client) = running
        // Sent while connecting (refused with the handshake) or after (refused at once, naming why).
        let result = client.call(test, RESPCommand("PING"))
        guard case .failure(let error) = result, case .handshakeRefused(let reply) = error.cause else {
            Issue.record("expected the handshake to be refused, got \(String(describing: result))")
            return
        }
        #expect(reply.code == "WRONGPASS")
        #expect(Self.metric(test, "callgate_redis_errors_total{client=\"test\",kind=\"handshake\"}") >= 1)
    }

    @Test func resp3WithHelloAndAServerErrorReply() throws {
        let server = try RedisTestServer(extra: ["--requirepass", "secret"])
        defer { server.stop() }
        var settings = server.settings
        settings.password = "secret"
        settings.resp3 = true
        let running = try Self.client(settings)
        defer { Self.stop(running) }
        let (test, client) = running
        #expect(try client.call(test, RESPCommand("HSET", "h", "a", "1")).get() == .integer(1))
        // RESP3 answers HGETALL with a map, where RESP2 has a flat array.
        #expect(try client.call(test, RESPCommand("HGETALL", "h")).get() == .map([RESPPair(key: .bulkString(Array("a".utf8)), value: .bulkString(Array("1".utf8)))]))
        let wrong = client.call(test, RESPCommand("LPUSH", "h", "x"))
        guard case .failure(.server(let reply)) = wrong else {
            Issue.record("expected WRONGTYPE, got \(String(describing: wrong))")
            return
        }
        #expect(reply.code == "WRONGTYPE")
        // The connection is still fine after an error reply.
        #expect(try client.call(test, RESPCommand("PING")).get() == .simpleString("PONG"))
    }

    @Test func reconnectsAfterTheServerRestartsAndFailsWhatWasInFlight() throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let running = try Self.client(server.settings)
        defer { Self.stop(running) }
        let (test, client) = running
        #expect(test.eventually { client.isReady })
        let readyCount = RedisTestLoop.Box<Int>()
        readyCount.value = 0
        test.sync { client.onReady = { readyCount.value! += 1 } }
        #expect(try client.call(test, RESPCommand("SET", "k", "before")).get() == .simpleString("OK"))
        // A command blocked on the server when it dies fails, and says so.
        let blocked: RedisTestLoop.Box<Result<RESPValue, RedisError>> = .init()
        test.sync { client.send(RESPCommand("BLPOP", "never", "0")) { blocked.value = $0 } }
        usleep(100_000)
        server.stop()
        #expect(test.eventually { blocked.value != nil })
        #expect(test.sync { blocked.value }?.failed { if case .connectionLost(midReply: false) = $0 { true } else { false } } == true)
        // While it is down, commands fail at once rather than wait.
        let down = client.call(test, RESPCommand("GET", "k"))
        #expect(down.failed { _ in true })
        try server.start()
        #expect(test.eventually(5) { client.isReady })
        #expect(try client.call(test, RESPCommand("SET", "k", "after")).get() == .simpleString("OK"))
        #expect(try server.cli("GET", "k") == "after")
        #expect(test.sync { readyCount.value } == 1)
        #expect(Self.metric(test, "callgate_redis_reconnects_total{client=\"test\"}") == 1)
        #expect(Self.metric(test, "callgate_redis_errors_total{client=\"test\",kind=\"closed\"}") >= 1)
    }

    @Test func connectionRefusedThenUnavailableUntilTheServerComes() throws {
        let port = RedisTestServer.freePort()
        var settings = RedisSettings()
        settings.port = port
        settings.reconnectBaseMilliseconds = 20
        settings.reconnectCapMilliseconds = 100
        let running = try Self.client(settings)
        defer { Self.stop(running) }
        let (test, client) = running
        let first = client.call(test, RESPCommand("PING"))
        #expect(first.failed { $0.cause == .connectionRefused },
                "\(String(describing: first))")
        #expect(Self.metric(test, "callgate_redis_errors_total{client=\"test\",kind=\"connect\"}") >= 1)
    }

    @Test func aServerThatClosesMidReply() throws {
        let mock = try MockRedisServer(.sendThenClose(Array("$11\r\nhello".utf8)))
        defer { mock.stop() }
        let running = try Self.client(mock.settings)
        defer { Self.stop(running) }
        let (test, client) = running
        let result = client.call(test, RESPCommand("GET", "k"))
        #expect(result.failed { if case .connectionLost(midReply: true) = $0 { true } else { false } }, "\(String(describing: result))")
    }

    @Test func aReplyArrivingOneBytePerWrite() throws {
        let reply = Array("*3\r\n$11\r\nhello world\r\n:-42\r\n%1\r\n+k\r\n,1.5\r\n".utf8)
        let mock = try MockRedisServer(.dribble(reply))
        defer { mock.stop() }
        let running = try Self.client(mock.settings)
        defer { Self.stop(running) }
        let (test, client) = running
        let result = client.call(test, RESPCommand("ANY"))
        #expect(try result.get() == .array([.bulkString(Array("hello world".utf8)), .integer(-42),
                                             .map([RESPPair(key: .simpleString("k"), value: .double(1.5))])]))
    }

    @Test func bytesThatAreNotRESPAndAnUnaskedReply() throws {
        let garbage = try MockRedisServer(.sendThenClose(Array("?what\r\n".utf8)))
        defer { garbage.stop() }
        let running = try Self.client(garbage.settings)
        defer { Self.stop(running) }
        let result = running.1.call(running.0, RESPCommand("PING"))
        #expect(result.failed { if case .protocolError(.unknownType(0x3F)) = $0 { true } else { false } }, "\(String(describing: result))")

        let twice = try MockRedisServer(.sendThenClose(Array("+OK\r\n+OK\r\n".utf8)))
        defer { twice.stop() }
        let second = try Self.client(twice.settings)
        defer { Self.stop(second) }
        #expect(try second.1.call(second.0, RESPCommand("PING")).get() == .simpleString("OK"))
        #expect(RedisTestLoop.poll { Self.metric(second.0, "callgate_redis_errors_total{client=\"test\",kind=\"protocol\"}") == 1 })
    }

    @Test func aReplyTimeoutClosesTheConnectionAndFailsEveryCommandInFlight() throws {
        let mock = try MockRedisServer(.silent)
        defer { mock.stop() }
        var settings = mock.settings
        settings.commandTimeoutMilliseconds = 200
        let running = try Self.client(settings)
        defer { Self.stop(running) }
        let (test, client) = running
        #expect(test.eventually { client.isReady })
        let results: [Result<RESPValue, RedisError>]? = test.wait { finish in
            var results: [Result<RESPValue, RedisError>] = []
            for _ in 0..<3 {
                client.send(RESPCommand("PING")) { result in
                    results.append(result)
                    if results.count == 3 { finish(results) }
                }
            }
        }
        let errors = results?.map { result -> RedisError? in if case .failure(let error) = result { error } else { nil } }
        #expect(errors == [.timeout(milliseconds: 200), .connectionLost(midReply: false), .connectionLost(midReply: false)])
    }

    @Test func tlsToRedisServer() throws {
        let directory = NSTemporaryDirectory() + "callgate-redis-tls-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = directory + "/redis.pem", key = directory + "/redis.key"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                             "-subj", "/CN=redis.test", "-addext", "subjectAltName=DNS:redis.test,IP:127.0.0.1",
                             "-keyout", key, "-out", certificate]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        let server = try RedisTestServer(tls: (certificate, key))
        defer { server.stop() }
        var settings = server.settings
        settings.tls = TLSClientConfiguration(trustRoots: .file(certificate), verification: .full, alpnProtocols: [])
        let running = try Self.client(settings)
        defer { Self.stop(running) }
        let (test, client) = running
        #expect(try client.call(test, RESPCommand("SET", "over", "tls")).get() == .simpleString("OK"))
        #expect(try server.cli("GET", "over") == "tls")
        // The certificate must name what we connect to.
        settings.tlsServerName = "other.test"
        let wrongName = try Self.client(settings)
        defer { Self.stop(wrongName) }
        let refused = wrongName.1.call(wrongName.0, RESPCommand("PING"))
        #expect(refused.failed { if case .tls = $0.cause { true } else { false } }, "\(String(describing: refused))")
    }

    @Test func settingsFromAURL() throws {
        let plain = try RedisSettings(url: "redis://alice:wonder%20land@10.0.0.5:6380/2")
        #expect(plain.host == "10.0.0.5" && plain.port == 6380 && plain.username == "alice" && plain.password == "wonder land"
                && plain.database == 2 && plain.tls == nil)
        let secure = try RedisSettings(url: "rediss://:secret@[::1]")
        #expect(secure.host == "::1" && secure.port == 6379 && secure.username == nil && secure.password == "secret" && secure.tls != nil)
        #expect(throws: RedisSettings.URLError.self) { try RedisSettings(url: "http://host") }
        #expect(throws: RedisSettings.URLError.self) { try RedisSettings(url: "redis://host/db") }
    }

    @Test func scriptDigestIsRedisSha1() throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let script = RedisScript("return 1")
        #expect(try server.cli("SCRIPT", "LOAD", "return 1") == script.sha1)
        #expect(script.sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }
}

extension RedisError {
    /// The failure behind `unavailable`, or this one.
    var cause: RedisError {
        if case .unavailable(let cause) = self { return cause }
        return self
    }
}

extension Result where Failure == RedisError {
    /// Whether this is a failure whose error satisfies `matches`.
    func failed(_ matches: (RedisError) -> Bool) -> Bool {
        if case .failure(let error) = self { return matches(error) }
        return false
    }
}
