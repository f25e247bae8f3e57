import Glibc
import Routes

/// One loop's mux pools, one per mux channel, made on first use. Each pool's upstream
/// connections live on this loop, next to the browser sessions they carry, so no session's
/// bytes cross a thread. The pool of the gateway is thus `threads × poolSize` connections.
final class MuxPools {
    private unowned let loop: EventLoop
    private unowned let context: ServerContext
    private var pools: [String: MuxPool] = [:]

    init(loop: EventLoop, context: ServerContext) {
        self.loop = loop
        self.context = context
    }

    func link(for session: RouteSession, target: UpstreamTarget) -> BackendLink {
        let channel = session.route.channel
        let pool = pools[channel] ?? {
            let pool = MuxPool(route: session.route, target: target, loop: loop, context: context)
            pools[channel] = pool
            loop.addTimed(pool)
            return pool
        }()
        return pool.link(for: session)
    }
}

/// A channel's upstream connections on one loop: sessions go to the one with the fewest.
final class MuxPool: TimedHandler {
    var tickSlot = -1
    private let upstreams: [MuxUpstream]
    private var nextSession: UInt32 = 0

    init(route: Route, target: UpstreamTarget, loop: EventLoop, context: ServerContext) {
        upstreams = (0..<route.poolSize).map { _ in MuxUpstream(route: route, target: target, loop: loop, context: context) }
    }

    func link(for session: RouteSession) -> MuxLink {
        let upstream = upstreams.min { $0.sessionCount < $1.sessionCount }!
        return MuxLink(session: session, upstream: upstream, id: allocateSession(on: upstream))
    }

    /// A nonzero id not in use on `upstream` (ids wrap after 2^32 − 1 sessions).
    private func allocateSession(on upstream: MuxUpstream) -> UInt32 {
        repeat {
            nextSession &+= 1
        } while nextSession == 0 || upstream.hasSession(nextSession)
        return nextSession
    }

    func tick(now: UInt64) {
        for upstream in upstreams { upstream.tick(now: now) }
    }
}
