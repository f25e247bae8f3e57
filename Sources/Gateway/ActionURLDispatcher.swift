import Glibc
import ActionURLs
import TLSBridge

/// Action URLs out (docs/click-to-call.md §5): on each call event, one request per configured
/// target, queued per target and sent from this dispatcher's own loop and thread, so a slow or
/// dead CRM never delays the event path.
///
/// - `publish` hands the values to the loop (`EventLoop.execute`: a lock, an append and an
///   eventfd write) and returns; rendering, queueing and all I/O happen on the loop.
/// - Per target (`ActionURLTarget`): a bounded `ActionURLTargetQueue`, one request in flight,
///   in order, retries with full-jitter backoff, a timeout per attempt (`ActionURLClient`).
/// - Timers are the loop's ticks, every `tickMilliseconds`: a timeout or a backoff ends up to
///   that much late.
/// - With `state.engine` `redis` (`shared`): each request goes into its template's queue in
///   Redis, sent by the instance that holds the queue's lease (`ActionURLSharedQueue`,
///   docs/click-to-call.md §5.1); one that cannot be pushed is sent from the local queue.
/// - DNS: each target's host is resolved once, here in `init`, at start (blocking getaddrinfo,
///   as for upstreams, never on a loop thread). A host that does not resolve is logged, and its
///   requests are given up; a changed address needs a restart. IP literals and `localhost`
///   need no lookup.
final class ActionURLDispatcher: TimedHandler, @unchecked Sendable {
    /// The timer resolution of retries and timeouts.
    static let tickMilliseconds: UInt64 = 50

    let loop: EventLoop
    let settings: ActionURLSettings
    var tickSlot = -1
    /// One per template, in the order of `settings.targets`; used on the loop's thread only.
    private let targets: [ActionURLTarget]
    /// With Redis: one shared queue per template (same order), and the client they use.
    private let shared: [ActionURLSharedQueue]
    private let redis: RedisClient?

    init(settings: ActionURLSettings, state: StateSettings = StateSettings()) throws(RedisError) {
        self.settings = settings
        // Without targets the loop only publishes its metrics: the usual quarter-second tick.
        loop = EventLoop(index: -3, tickIntervalMilliseconds: settings.targets.isEmpty ? 250 : Self.tickMilliseconds)
        let tls = settings.targets.contains(where: \.isTLS) ? Self.tlsContext(verify: settings.verifyCertificates) : nil
        targets = settings.targets.map { [loop] template in
            var address: SocketAddress?
            do throws(SocketAddress.ParseError) {
                address = try SocketAddress.resolve(host: template.host, port: UInt16(template.port))
            } catch {
                // getaddrinfo's own words (the error's description speaks of HOST:PORT syntax).
                switch error {
                case .malformed(let reason): Log.error("actionurl_unresolved", ["host": template.host, "error": reason])
                }
            }
            return ActionURLTarget(template: template, policy: settings.retry, address: address, tls: tls, loop: loop)
        }
        guard state.engine == .redis, !targets.isEmpty else {
            redis = nil
            shared = []
            return
        }
        var redisSettings = state.redis
        redisSettings.clientName += "-actionurl"
        let client = try RedisClient(settings: redisSettings, name: "actionurl", loop: loop)
        redis = client
        shared = targets.map { [loop] local in
            let sender = ActionURLTarget(template: local.template, policy: settings.retry, address: local.address, tls: local.tls, loop: loop)
            return ActionURLSharedQueue(local: local, sender: sender, client: client, keyPrefix: state.keyPrefix, lease: settings.lease)
        }
    }

    /// The client context of https targets: the system's CAs, or no verification at all when
    /// `verifyCertificates` is false (self-signed CRMs, tests). nil (logged) if OpenSSL refuses,
    /// after which https requests are given up.
    private static func tlsContext(verify: Bool) -> TLSClientContext? {
        do {
            return try TLSClientContext(TLSClientConfiguration(verification: verify ? .full : .none))
        } catch {
            Log.error("actionurl_tls_unavailable", ["error": "\(error)"])
            return nil
        }
    }

    /// Starts the dispatcher's thread.
    func start() -> pthread_t {
        if !targets.isEmpty {
            loop.execute { [self] in
                loop.addTimed(self)
                redis?.start()
            }
        }
        return Thread.spawn(name: "callgate-actionurl") { [loop] in loop.run() }
    }

    /// Stops the thread; an attempt in flight is abandoned and queued requests are lost (logged),
    /// except those of the shared queues, which stay in Redis for the next owner.
    func stop() {
        loop.execute { [self] in
            for target in targets { target.shutdown() }
            for queue in shared { queue.sender.abandon() }
            redis?.stop()
        }
        loop.stop()
    }

    /// Queues one request per target for `values`. Any thread; returns at once.
    func publish(_ values: ActionURLValues) {
        guard !targets.isEmpty else { return }
        loop.execute { [self] in
            for (index, target) in targets.enumerated() {
                guard let request = target.render(values) else { continue }
                if shared.isEmpty { target.enqueue(request) } else { shared[index].push(request) }
            }
        }
    }

    func tick(now: UInt64) {
        for target in targets { target.tick(now: now) }
        for queue in shared { queue.tick(now: now) }
    }
}
