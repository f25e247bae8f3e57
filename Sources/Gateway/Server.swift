import Glibc
import CLinux
import WSFraming

/// The running gateway: its loops, one thread each, and each loop's listeners.
final class Server: @unchecked Sendable {
    let context: ServerContext
    let loops: [EventLoop]
    /// The addresses actually bound (port 0 resolved), in the order of `config.listen`.
    private(set) var boundAddresses: [SocketAddress] = []
    /// The same for `config.tls.listen`.
    private(set) var boundTLSAddresses: [SocketAddress] = []
    /// The TLS context of the TLS listeners (nil without any), reloaded on SIGHUP.
    private(set) var tls: TLSContextHolder?
    private var listeners: [[Listener]] = []
    private var threads: [pthread_t] = []

    init(config: GatewayConfig) throws {
        context = try ServerContext(config: config)
        loops = (0..<config.threads).map { EventLoop(index: $0, trimAfterCloses: config.limits.trimAfterCloses) }
        context.loopMetrics = loops.map(\.metrics) + [context.agentHub.loop.metrics, context.agentHub.actionURLs.loop.metrics]
        context.muxPools = loops.map { MuxPools(loop: $0, context: context) }
        if config.switchboard.serving {
            // One loop carries the Switchboard and every gateway's connection (CommandLineOptions).
            context.callControlService = CallControlService(directory: context.directory, settings: config.switchboard, loop: loops[0])
        }
    }

    /// Binds every listener (one socket per loop per address) and starts the loop threads.
    func start() throws {
        listeners = loops.map { _ in [] }
        let config = context.config
        if !config.tls.listen.isEmpty {
            tls = try TLSContextHolder(settings: config.tls, stateDirectory: config.stateDirectory)
            if let tls, let shared = context.agentHub.shared, config.tls.sessionTickets {
                // docs/cluster.md §6.6: one set of keys for every instance, rotated through Redis.
                context.agentHub.ticketKeys = SharedTicketKeys(keys: tls.current.ticketKeys, periodSeconds: config.tls.ticketKeyRotationSeconds,
                                                               engine: shared.engine, loop: context.agentHub.loop)
            }
        }
        boundAddresses = try config.listen.map { try bind($0, tls: nil) }
        boundTLSAddresses = try config.tls.listen.map { try bind($0, tls: tls) }
        if config.tls.redirectHTTP { context.redirectPort = boundTLSAddresses.first?.port }
        if context.callControlService == nil {
            threads += context.agentHub.start()
            threads.append(context.agentHub.actionURLs.start())
        }
        for loop in loops {
            for listener in listeners[loop.index] { listener.start() }
            threads.append(Thread.spawn(name: "callgate-loop-\(loop.index)") { loop.run() })
        }
    }

    /// One listening socket per loop on `text`; returns the address with its port resolved.
    private func bind(_ text: String, tls: TLSContextHolder?) throws -> SocketAddress {
        var address = try SocketAddress(parsing: text)
        for loop in loops {
            let fd = try Socket.listen(on: address, backlog: 4096)
            if address.port == 0, let bound = Socket.localAddress(fd) { address.port = bound.port }
            listeners[loop.index].append(Listener(fd: fd, loop: loop, context: context, tls: tls,
                                                  proxyProtocol: context.config.proxy.mode(forListener: text)))
        }
        return address
    }

    /// Graceful stop: send close 1001 (RFC 6455 §7.4.1 "going away") to every WebSocket and wait
    /// up to the grace period for them to close, then stop the loops. Meanwhile the listeners
    /// stay open so that a load balancer's probe still gets its answer: `/readyz` 503, `/healthz`
    /// 200, and a new upgrade 503 (docs/config.md, "Endpoints").
    func shutdown() {
        context.draining.store(true, ordering: .relaxed)
        for loop in loops {
            loop.execute {
                for case let connection as Connection in loop.timedHandlers {
                    connection.goAway()
                }
            }
        }
        let deadline = MonotonicClock.nowMilliseconds() + UInt64(context.config.shutdownGraceMilliseconds)
        while context.limiter.total > 0 && MonotonicClock.nowMilliseconds() < deadline {
            usleep(20_000)
        }
        for loop in loops {
            let listeners = self.listeners[loop.index]
            loop.execute { [listeners] in
                for listener in listeners { listener.stop() }
            }
        }
        for loop in loops { loop.stop() }
        context.agentHub.stop()
        context.agentHub.actionURLs.stop()
        for thread in threads { pthread_join(thread, nil) }
        Log.info("stopped", ["remaining_connections": "\(context.limiter.total)"])
    }
}
