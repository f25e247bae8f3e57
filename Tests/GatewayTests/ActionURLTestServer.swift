import Foundation
import Glibc
import Synchronization
@testable import Gateway

/// A real HTTP/1.1 server on 127.0.0.1 for the Action URL tests: one thread, blocking sockets,
/// one connection at a time (the dispatcher sends one request at a time per target). It records
/// each request head and answers by a script; once the script is used up, `fallback`.
final class ActionURLTestServer: @unchecked Sendable {
    enum Reply: Sendable {
        /// A response with this status, `Content-Length: 0`, then close.
        case status(Int)
        /// This status after a pause.
        case delayed(Int, milliseconds: Int)
        /// Reads the request and never answers; waits for the client to give up and close.
        case silent
        /// Bytes as they are, then close.
        case raw(String)
    }

    let port: UInt16
    private let listenFD: Int32
    private let state: Mutex<(script: [Reply], requests: [String])>
    private let fallback: Reply
    private let stopping = Atomic<Bool>(false)
    private var thread = pthread_t()

    init(script: [Reply] = [], fallback: Reply = .status(200)) throws {
        state = Mutex((script, []))
        self.fallback = fallback
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0, let local = Socket.localAddress(fd) else {
            close(fd)
            throw Socket.SystemError(call: "bind/listen", code: errno)
        }
        listenFD = fd
        port = local.port
        thread = Thread.spawn(name: "test-crm") { [self] in serve() }
    }

    /// The request heads received so far (request line and fields, without the blank line).
    var requests: [String] { state.withLock { $0.requests } }

    /// The request lines received so far.
    var requestLines: [String] { requests.map { String($0.split(separator: "\r\n", maxSplits: 1)[0]) } }

    /// Waits up to `seconds` for at least `count` requests.
    func waitForRequests(_ count: Int, seconds: Double = 5) -> Bool {
        Self.eventually(seconds) { requests.count >= count }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        close(listenFD)
    }

    private func serve() {
        while !stopping.load(ordering: .relaxed) {
            guard wait(listenFD, milliseconds: 50) else { continue }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { continue }
            handle(fd)
            close(fd)
        }
    }

    private func handle(_ fd: Int32) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while received.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
            guard wait(fd, milliseconds: 2_000) else { return }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            received.append(contentsOf: chunk[..<count])
        }
        let head = String(decoding: received[..<received.firstRange(of: Array("\r\n\r\n".utf8))!.lowerBound], as: UTF8.self)
        let reply = state.withLock { state -> Reply in
            state.requests.append(head)
            return state.script.isEmpty ? fallback : state.script.removeFirst()
        }
        switch reply {
        case .status(let status):
            write(fd, "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        case .delayed(let status, let milliseconds):
            usleep(UInt32(milliseconds) * 1_000)
            write(fd, "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        case .raw(let text):
            write(fd, text)
        case .silent:
            // Until the client closes (recv returns 0) or the test ends.
            while !stopping.load(ordering: .relaxed) {
                guard wait(fd, milliseconds: 50) else { continue }
                if chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) <= 0 { return }
            }
        }
    }

    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Whether `fd` became readable within the time.
    private func wait(_ fd: Int32, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// Polls `condition` every 10 ms for up to `seconds`.
    static func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}
