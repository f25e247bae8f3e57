import Glibc
import CLinux

/// A listening socket owned by one loop. Each loop has its own socket on the same address
/// (SO_REUSEPORT), so the kernel balances new connections across loops.
final class Listener: EventHandler {
    let fd: Int32
    unowned let loop: EventLoop
    let context: ServerContext
    /// Accepts per readiness event, so a flood of connects cannot starve established sockets.
    private let acceptBurst = 64

    init(fd: Int32, loop: EventLoop, context: ServerContext) {
        self.fd = fd
        self.loop = loop
        self.context = context
    }

    func start() { loop.register(fd, self, events: EPOLLIN.rawValue) }

    func stop() {
        loop.deregister(fd, self)
        close(fd)
    }

    override func handleEvents(_ events: UInt32) {
        for _ in 0..<acceptBurst {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if client < 0 {
                if errno == EMFILE || errno == ENFILE {
                    Log.error("accept_failed", ["errno": "\(errno)", "reason": "out of file descriptors"])
                }
                return
            }
            let host = SocketAddress(storage)?.host ?? "unknown"
            switch context.limiter.admit(host) {
            case .admitted:
                loop.metrics.add(.connectionsAccepted)
                Socket.setNoDelay(client)
                Connection(accepted: client, loop: loop, context: context, peerHost: host).start()
            case .overCapacity:
                refuse(client, host: host, status: 503, counter: .connectionsRejectedCapacity, reason: "max_connections")
            case .overPerAddress:
                refuse(client, host: host, status: 429, counter: .connectionsRejectedPerAddress, reason: "per_address")
            }
        }
    }

    /// Answers a connection over a cap with a canned response (best effort) and closes it.
    private func refuse(_ client: Int32, host: String, status: Int, counter: Counter, reason: String) {
        loop.metrics.add(counter)
        loop.metrics.httpResponse(status: status)
        Log.warning("connection_refused", ["peer": host, "status": "\(status)", "reason": reason])
        let phrase = status == 503 ? "Service Unavailable" : "Too Many Requests"
        let body = "connection limit reached (\(reason))\n"
        let response = "HTTP/1.1 \(status) \(phrase)\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nRetry-After: 5\r\nConnection: close\r\n\r\n\(body)"
        _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(client)
    }
}
