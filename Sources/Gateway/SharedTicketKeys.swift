import Glibc
import RedisProtocol
import TLSBridge

/// TLS session-ticket keys shared by every instance (docs/cluster.md §6.6), with `state.engine`
/// `redis`. Time is cut into periods of `tls.ticketKeyRotationSeconds`, numbered from the Unix
/// epoch; the key of each period is drawn once, by the first instance that asks for it
/// (`SET callgate:secret:tls-ticket:N material NX GET PX 3 periods`), and every instance installs
/// the period's key to seal new tickets and the previous period's to open older ones. So a ticket
/// one instance issued resumes at any other, and survives one rotation as in one process (clocks
/// a little apart only move the switch by as much). Redis unreachable at a period's start: this
/// instance rotates its own keys (its tickets resume only here), logs `tls_ticket_keys_unshared`,
/// counts `ticket_keys_unshared` on channel `tls`, and asks again every 10 s. On the hub's loop.
final class SharedTicketKeys {
    let keys: TLSSessionTicketKeys
    let periodSeconds: Int
    let engine: RedisStateEngine
    private let loop: EventLoop
    /// The period whose shared keys are installed; -1 before the first.
    private var installed: Int64 = -1
    /// The period this instance rotated its own keys for (Redis was unreachable); -1: none.
    private var rotatedAlone: Int64 = -1
    private var asking = false
    private var retryAt: UInt64 = 0
    static let retryMilliseconds: UInt64 = 10_000

    init(keys: TLSSessionTicketKeys, periodSeconds: Int, engine: RedisStateEngine, loop: EventLoop) {
        self.keys = keys
        self.periodSeconds = periodSeconds
        self.engine = engine
        self.loop = loop
    }

    /// Called at every hub tick: asks for the keys when a period starts (or to retry).
    func tick(now: UInt64) {
        let period = Int64(time(nil)) / Int64(periodSeconds)
        guard period != installed, !asking, now >= retryAt else { return }
        asking = true
        let ttl = 3 * periodSeconds * 1_000
        var answers: [Int64: Result<[UInt8], StateEngineError>] = [:]
        for wanted in [period, period - 1] {
            let candidate = (try? TLSSessionTicketKeys.newMaterial()) ?? []
            engine.sharedSecret("tls-ticket:\(wanted)", candidate: candidate, ttlMilliseconds: ttl) { [self] result in
                answers[wanted] = result
                guard answers.count == 2 else { return }
                asking = false
                answered(period, current: answers[period]!, previous: answers[period - 1]!, now: now)
            }
        }
    }

    private func answered(_ period: Int64, current: Result<[UInt8], StateEngineError>,
                          previous: Result<[UInt8], StateEngineError>, now: UInt64) {
        let reason: String
        switch (current, previous) {
        case (.success(let sealing), .success(let opening)):
            do {
                try keys.install(current: sealing, previous: opening)
                installed = period
                rotatedAlone = -1
                loop.metrics.routeEvent("tls", "ticket_keys_shared")
                Log.info("tls_ticket_keys_shared", ["period": "\(period)"])
                return
            } catch {
                reason = "\(error)"
            }
        case (.failure(let error), _), (_, .failure(let error)):
            reason = "\(error)"
        }
        retryAt = now + Self.retryMilliseconds
        loop.metrics.routeEvent("tls", "ticket_keys_unshared")
        Log.info("tls_ticket_keys_unshared", ["reason": reason, "retry_ms": "\(Self.retryMilliseconds)"])
        guard rotatedAlone != period else { return }
        rotatedAlone = period
        do {
            try keys.rotate()
        } catch {
            Log.error("tls_ticket_key_rotation_failed", ["error": "\(error)"])
        }
    }
}
