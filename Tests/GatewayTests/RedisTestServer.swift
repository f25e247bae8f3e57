import Foundation
import Glibc
import Testing
@testable import Gateway

/// A real `redis-server` (Debian's 7.0 here; CI installs the `redis-server` package) started on
/// a free port in a fresh temporary directory, without persistence, and stopped by `stop()`.
/// A missing binary fails the test that needs it, with a message saying what to install.
final class RedisTestServer: @unchecked Sendable {
    static let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let cli = ["/usr/bin/redis-cli", "/usr/local/bin/redis-cli"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "redis-server and redis-cli are needed (Debian: apt-get install redis-server)" }
    }

    let port: UInt16
    let directory: String
    private let arguments: [String]
    private var process: Process?
    /// `--tls-port` servers: the plain port is closed and this is where TLS listens.
    let tlsPort: UInt16?

    /// `extra` are more `--name value` settings; `tls` gives certificate, key and CA files, and
    /// then the server listens with TLS only.
    init(extra: [String] = [], tls: (certificate: String, key: String)? = nil) throws {
        guard Self.binary != nil, Self.cli != nil else { throw Missing() }
        directory = NSTemporaryDirectory() + "callgate-redis-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = Self.freePort()
        var arguments = ["--save", "", "--appendonly", "no", "--dir", directory, "--bind", "127.0.0.1", "--loglevel", "warning"]
        if let tls {
            tlsPort = port
            arguments += ["--port", "0", "--tls-port", "\(port)", "--tls-cert-file", tls.certificate, "--tls-key-file", tls.key,
                          "--tls-ca-cert-file", tls.certificate, "--tls-auth-clients", "no"]
        } else {
            tlsPort = nil
            arguments += ["--port", "\(port)"]
        }
        self.arguments = arguments + extra
        try start()
    }

    deinit { stop() }

    /// Starts (again, after `stop()`) on the same port and waits until it answers.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary!)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.isListening(port) { return }
            usleep(20_000)
        }
        throw Missing()
    }

    /// SIGKILL, so the server has no chance to flush anything: like a crash.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
        // The port is free again once nothing listens.
        while Self.isListening(port) { usleep(10_000) }
    }

    /// `redis-cli` against this server, for checks that should not trust the client under test.
    @discardableResult
    func cli(_ arguments: String...) throws -> String {
        var all = ["-p", "\(port)"]
        if tlsPort != nil { all += ["--tls", "--insecure"] }
        all += arguments
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.cli!)
        process.arguments = all
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var settings: RedisSettings {
        var settings = RedisSettings()
        settings.host = "127.0.0.1"
        settings.port = port
        settings.reconnectBaseMilliseconds = 20
        settings.reconnectCapMilliseconds = 200
        return settings
    }

    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return Socket.localAddress(fd)!.port
    }

    static func isListening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// An event loop on its own thread with a 20 ms tick, and blocking calls into it for tests.
final class RedisTestLoop: @unchecked Sendable {
    let loop = EventLoop(index: -9, tickIntervalMilliseconds: 20)
    private var thread: pthread_t?

    init() {
        thread = Thread.spawn(name: "redis-test-loop") { [loop] in loop.run() }
    }

    func stop() {
        loop.stop()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    /// Runs `body` on the loop and waits up to `seconds` for it to call its completion.
    func wait<T>(_ seconds: Int = 10, _ body: @escaping @Sendable (@escaping (T) -> Void) -> Void) -> T? {
        let done = Semaphore()
        let box = Box<T>()
        loop.execute {
            body { value in
                guard box.value == nil else { return }
                box.value = value
                done.signal()
            }
        }
        return done.wait(seconds: seconds) ? box.value : nil
    }

    /// Runs `body` on the loop and returns what it returns.
    func sync<T>(_ body: @escaping @Sendable () -> T) -> T {
        wait { finish in finish(body()) }!
    }

    /// Polls `condition` on the test's thread until it holds (up to `seconds`).
    static func poll(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// Polls `condition` on the loop until it holds (up to `seconds`).
    func eventually(_ seconds: Double = 10, _ condition: @escaping @Sendable () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if sync(condition) { return true }
            usleep(20_000)
        }
        return sync(condition)
    }

    final class Box<T>: @unchecked Sendable { var value: T? }
}

extension RedisClient {
    /// Sends on the loop and waits up to 10 s for the reply (tests; a wait that runs out reads
    /// as a timeout of 10,000 ms, which the client itself never reports with its settings here).
    func call(_ test: RedisTestLoop, _ command: RESPCommand) -> Result<RESPValue, RedisError> {
        test.wait { finish in self.send(command, completion: finish) } ?? .failure(.timeout(milliseconds: 10_000))
    }
}

import RedisProtocol
