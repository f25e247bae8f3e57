import Glibc
import ProxyProtocol
import TLSBridge
import CLinux

/// A listening socket owned by one loop. Each loop has its own socket on the same address
/// (SO_REUSEPORT), so the kernel balances new connections across loops.
final class Listener: EventHandler, @unchecked Sendable {
    let fd: Int32
    unowned let loop: EventLoop
    let context: ServerContext
    /// Set for https/wss listeners.
    let tls: TLSContextHolder?
    /// Whether connections start with a PROXY protocol header (`proxy.protocol`).
    let proxyProtocol: ProxyProtocolMode
    /// Accepts per readiness event, so a flood of connects cannot starve established sockets.
    private let acceptBurst = 64

    init(fd: Int32, loop: EventLoop, context: ServerContext, tls: TLSContextHolder?, proxyProtocol: ProxyProtocolMode = .off) {
        self.fd = fd
        self.loop = loop
        self.context = context
        self.tls = tls
        self.proxyProtocol = proxyProtocol
    }

    func start() { loop.register(fd, self, events: EPOLLIN.rawValue) }

    private var isStopped = false

    func stop() {
        guard !isStopped else { return }
        isStopped = true
        loop.deregister(fd, self)
        close(fd)
    }

    override func handleEvents(_ events: UInt32) {
        // Stopped earlier in this batch (shutdown arrives through the loop's wake-up event).
        if isStopped { return }
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
            // A trusted proxy carries many clients: each is capped once its address is known.
            let fromProxy = context.trustedProxies.contains(host: host)
            let verdict = context.limiter.admit(host, checkPerAddress: !fromProxy)
            switch verdict {
            case .admitted, .admittedForProbes:
                let forProbes = verdict == .admittedForProbes
                loop.metrics.add(.connectionsAccepted)
                if forProbes { loop.metrics.add(.probeReserveConnections) }
                Socket.setNoDelay(client)
                let connection = Connection(accepted: client, loop: loop, context: context, peerHost: host, forProbes: forProbes)
                if proxyProtocol != .off { connection.awaitProxyHeader(proxyProtocol) }
                if let tls {
                    guard let engine = startTLS(client, host: host, forProbes: forProbes, tls) else { continue }
                    connection.tls = engine
                }
                connection.start()
            case .overCapacity:
                refuse(client, host: host, status: 503, counter: .connectionsRejectedCapacity, reason: "max_connections")
            case .overPerAddress:
                refuse(client, host: host, status: 429, counter: .connectionsRejectedPerAddress, reason: "per_address")
            }
        }
    }

    /// A server engine for a new TLS connection, unless this loop already has its cap of
    /// handshakes in flight (a CPU guard: each full handshake costs an ECDHE and a signature).
    private func startTLS(_ client: Int32, host: String, forProbes: Bool, _ tls: TLSContextHolder) -> TLSEngine? {
        let cap = context.config.tls.maxHandshakesInFlightPerLoop
        if loop.tlsHandshakesInFlight >= cap {
            loop.metrics.add(.tlsHandshakesRefused)
            Log.warning("tls_handshake_refused", ["peer": host, "reason": "\(cap) handshakes in flight on this loop"])
        } else {
            do {
                let engine = try TLSEngine(server: tls.current)
                loop.tlsHandshakesInFlight += 1
                return engine
            } catch {
                Log.error("tls_engine_failed", ["peer": host, "error": "\(error)"])
            }
        }
        close(client)
        context.limiter.release(host, probe: forProbes)
        return nil
    }

    /// Answers a connection over a cap with a canned response (best effort) and closes it.
    private func refuse(_ client: Int32, host: String, status: Int, counter: Counter, reason: String) {
        Self.refuse(client, host: host, status: status, counter: counter, reason: reason, metrics: loop.metrics)
        close(client)
    }

    /// The canned answer to a connection over a cap, sent best effort (also used when a PROXY
    /// header names a client over its cap); the caller closes the socket.
    static func refuse(_ client: Int32, host: String, status: Int, counter: Counter, reason: String, metrics: LoopMetrics) {
        metrics.add(counter)
        metrics.httpResponse(status: status)
        Log.warning("connection_refused", ["peer": host, "status": "\(status)", "reason": reason])
        let phrase = status == 503 ? "Service Unavailable" : "Too Many Requests"
        let body = "connection limit reached (\(reason))\n"
        let response = "HTTP/1.1 \(status) \(phrase)\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nRetry-After: 5\r\nConnection: close\r\n\r\n\(body)"
        _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
