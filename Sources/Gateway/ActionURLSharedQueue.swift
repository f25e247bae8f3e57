import AgentDelivery
import RedisProtocol
import ActionURLs
import TLSBridge

/// One template's Action URL queue in Redis (docs/click-to-call.md §5.1), with `state.engine`
/// `redis`: every instance pushes the requests of the events it relays into it, and the instance
/// that holds its lease sends them, one at a time and in order, removing each only once its
/// outcome is final. The pure `QueueLease` decides; this class runs its scripts on the
/// dispatcher's Redis client and sends through its own `ActionURLTarget` (retries, timeouts and
/// counts as for any target). Every method runs on the dispatcher's loop.
///
/// Keys, all in the `{aq}` hash slot (one Redis Cluster slot) and named by the template's SHA-1,
/// so every instance with the same template finds the same queue: `<prefix>:{aq}:queue:<id>` (a
/// list of origin-form targets, oldest first), `…:lease:<id>` (the owner, with the lease's
/// `PX`), `…:owner:<id>` (the last owner, without expiry, gone when the queue empties: a take
/// that finds it names a take-over).
final class ActionURLSharedQueue {
    /// KEYS: the queue. ARGV: the request, the capacity of requests waiting behind the first.
    /// Pushes it at the tail; when more wait than the capacity, the oldest waiting (the second:
    /// the first may be in flight) is dropped. Returns `{length}` or `{length, dropped}`.
    static let pushScript = RedisScript("""
        local length = redis.call('RPUSH', KEYS[1], ARGV[1])
        if length > tonumber(ARGV[2]) + 1 then
          local first = redis.call('LPOP', KEYS[1])
          local dropped = redis.call('LPOP', KEYS[1])
          redis.call('LPUSH', KEYS[1], first)
          return {length - 1, dropped}
        end
        return {length}
        """)

    /// KEYS: queue, lease, owner. ARGV: this instance, the lease (ms). `{0}` when nothing waits,
    /// `{1}` when another instance holds the lease, else takes it (`SET … PX`) and returns
    /// `{2, first, previous owner or ''}`.
    static let takeScript = RedisScript("""
        if redis.call('LLEN', KEYS[1]) == 0 then return {0} end
        local holder = redis.call('GET', KEYS[2])
        if holder and holder ~= ARGV[1] then return {1} end
        redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
        local previous = redis.call('GET', KEYS[3])
        redis.call('SET', KEYS[3], ARGV[1])
        if not previous or previous == ARGV[1] then previous = '' end
        return {2, redis.call('LINDEX', KEYS[1], 0), previous}
        """)

    /// KEYS: lease. ARGV: this instance, the lease (ms). 1 and `PEXPIRE` when still ours, else 0.
    static let renewScript = RedisScript("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """)

    /// KEYS: queue, lease, owner. ARGV: this instance, the request sent, the lease (ms). `{0}` when
    /// the lease is not ours (nothing removed); else removes the request if it is still first,
    /// then gives the lease back and returns `{1}` when the queue is empty, or renews it and
    /// returns `{2, first}`.
    static let finishScript = RedisScript("""
        if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {0} end
        if redis.call('LINDEX', KEYS[1], 0) == ARGV[2] then redis.call('LPOP', KEYS[1]) end
        local first = redis.call('LINDEX', KEYS[1], 0)
        if not first then
          redis.call('DEL', KEYS[2], KEYS[3])
          return {1}
        end
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return {2, first}
        """)

    /// This instance in the lease: `host:pid` and a random part (a restarted container may have
    /// the same host name and pid).
    static let owner = "\(InstanceName.current):\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"

    let sender: ActionURLTarget
    private let local: ActionURLTarget
    private let client: RedisClient
    private let keys: [String]
    private var lease: QueueLease
    private var loop: EventLoop { client.loop }

    /// `local` sends what cannot be pushed (Redis unreachable); `sender` is this queue's own.
    init(local: ActionURLTarget, sender: ActionURLTarget, client: RedisClient, keyPrefix: String, lease: QueueLease.Settings) {
        self.local = local
        self.sender = sender
        self.client = client
        self.lease = QueueLease(settings: lease)
        let id = Digest.sha1(Array(local.template.text.utf8)).prefix(8).map { byte in
            (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
        keys = ["queue", "lease", "owner"].map { "\(keyPrefix):{aq}:\($0):\(id)" }
        sender.onFinal = { [unowned self] request in perform(self.lease.sent(request.target, now: loop.now)) }
    }

    /// Pushes the request into the shared queue; one that cannot be pushed is sent from here
    /// (logged and counted: unshared, never dropped silently).
    func push(_ request: ActionURLRequest) {
        let capacity = sender.queuePolicy.queueCapacity
        client.evaluate(Self.pushScript, keys: [keys[0]], arguments: [request.target, capacity]) { [self] result in
            guard case .success(let value) = result, let items = value.elements, let length = items.first?.integer else {
                let reason = result.failureDescription ?? "unexpected reply"
                loop.metrics.routeEvent("actionurl", "unshared")
                Log.warning("actionurl_unshared", ["target": local.label, "reason": reason])
                local.enqueue(request)
                return
            }
            if items.count == 2 {
                loop.metrics.actionURL(.dropped, target: local.label)
                Log.warning("actionurl_dropped", ["target": local.label, "queued": "\(length)", "shared": "true"])
            }
            perform(lease.pushed(now: loop.now))
        }
    }

    func tick(now: UInt64) {
        sender.tick(now: now)
        perform(lease.tick(now: now))
    }

    private func perform(_ actions: [QueueLease.Action]) {
        for action in actions {
            switch action {
            case .take:
                client.evaluate(Self.takeScript, keys: keys, arguments: [Self.owner, lease.settings.leaseMilliseconds]) { [self] result in
                    perform(lease.took(Self.take(result), now: loop.now))
                }
            case .renew:
                client.evaluate(Self.renewScript, keys: [keys[1]], arguments: [Self.owner, lease.settings.leaseMilliseconds]) { [self] result in
                    let held: Bool? = switch result {
                    case .success(.integer(1)): true
                    case .success(.integer(0)): false
                    default: nil
                    }
                    perform(lease.renewed(held, now: loop.now))
                }
            case .send(let target):
                sender.enqueue(sender.request(target: target))
            case .finish(let target):
                client.evaluate(Self.finishScript, keys: keys, arguments: [Self.owner, target, lease.settings.leaseMilliseconds]) { [self] result in
                    perform(lease.finished(Self.finish(result), now: loop.now))
                }
            case .taken(let previous):
                loop.metrics.routeEvent("actionurl", previous == nil ? "lease_taken" : "lease_taken_over")
                if let previous { Log.info("actionurl_queue_taken_over", ["target": local.label, "previous_owner": previous]) }
            case .released:
                loop.metrics.routeEvent("actionurl", "lease_released")
            case .lost(let loss):
                sender.abandon()
                loop.metrics.routeEvent("actionurl", "lease_lost")
                Log.warning("actionurl_lease_lost", ["target": local.label, "reason": loss.rawValue])
            }
        }
    }

    private static func take(_ result: Result<RESPValue, RedisError>) -> QueueLease.Take {
        guard case .success(let value) = result, let items = value.elements, let code = items.first?.integer else { return .failed }
        switch code {
        case 0: return .empty
        case 1: return .heldElsewhere
        default:
            guard items.count == 3, let first = items[1].string, let previous = items[2].string else { return .failed }
            return .taken(first: first, previousOwner: previous.isEmpty ? nil : previous)
        }
    }

    private static func finish(_ result: Result<RESPValue, RedisError>) -> QueueLease.Finish {
        guard case .success(let value) = result, let items = value.elements, let code = items.first?.integer else { return .failed }
        switch code {
        case 0: return .notOwner
        case 1: return .released
        default:
            guard items.count == 2, let first = items[1].string else { return .failed }
            return .next(first)
        }
    }
}

extension Result {
    /// The error's description; nil on success.
    var failureDescription: String? {
        if case .failure(let error) = self { "\(error)" } else { nil }
    }
}
