import Glibc
import CLinux
import AgentDelivery
import Routes
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
    /// This process's claim on its ports, held until it exits (`sharePort`).
    private let portLock = PortLock()

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

    /// One listening socket per loop on `text`, the port claimed first (`PortLock`; port 0:
    /// once the kernel chose it); returns the address with its port resolved.
    private func bind(_ text: String, tls: TLSContextHolder?) throws -> SocketAddress {
        var address = try SocketAddress(parsing: text)
        let share = context.config.sharePort
        if address.port != 0 { try portLock.claim(address, share: share) }
        for loop in loops {
            let fd = try Socket.listen(on: address, backlog: 4096)
            if address.port == 0, let bound = Socket.localAddress(fd) {
                address.port = bound.port
                try portLock.claim(address, share: share, probe: false)
            }
            listeners[loop.index].append(Listener(fd: fd, loop: loop, context: context, tls: tls,
                                                  proxyProtocol: context.config.proxy.mode(forListener: text)))
        }
        return address
    }

    /// Drains, then stops (docs/deploy.md §5). `/readyz` fails at once and new upgrades get 503
    /// with `Retry-After`, while the listeners stay open so that a load balancer's probe gets its
    /// answer. Sessions without a live call are told to reconnect (1012 with a delay hint), those
    /// with one are kept until it ends (`Drain`: the hub for agent tabs, `LoopDrain` for the
    /// other WebSockets of each loop); at `drain.deadlineMilliseconds` what is left gets 1001.
    /// The loops stop once every connection has closed, or `shutdownGraceMilliseconds` after
    /// the deadline. `quick` (SIGINT): the deadline is now, so every WebSocket gets 1001 at once.
    func shutdown(quick: Bool = false) {
        context.draining.store(true, ordering: .relaxed)
        var settings = context.config.drain
        if quick { settings.deadlineMilliseconds = 0 }
        let started = MonotonicClock.nowMilliseconds()
        Log.info("drain_started", ["deadline_ms": "\(settings.deadlineMilliseconds)",
                                   "connections": "\(context.limiter.total)"])
        loops[0].execute { [loops] in loops[0].metrics.add(labelled: "callgate_drain_steps_total{step=\"started\"}") }
        for loop in loops {
            let drain = LoopDrain(loop: loop, drain: Drain(startedAt: started, settings: settings))
            loop.execute { drain.start() }
        }
        if context.callControlService == nil {
            let hub = context.agentHub, tabs = Drain<TabID>(startedAt: started, settings: settings)
            hub.loop.execute { hub.startDrain(tabs) }
        }
        let deadline = started + UInt64(settings.deadlineMilliseconds)
        let end = deadline + UInt64(context.config.shutdownGraceMilliseconds)
        var deadlinePassed = false
        while context.limiter.total > 0 && MonotonicClock.nowMilliseconds() < end {
            if !deadlinePassed && MonotonicClock.nowMilliseconds() >= deadline {
                deadlinePassed = true
                Log.info("drain_deadline_passed", ["connections": "\(context.limiter.total)"])
                loops[0].execute { [loops] in loops[0].metrics.add(labelled: "callgate_drain_steps_total{step=\"deadline\"}") }
            }
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
