import Glibc
import ActionURLs
import TLSBridge

/// One configured Action URL template and its delivery, on the dispatcher's loop (every method
/// runs on that thread): the `ActionURLTargetQueue` decides what to send when, this class
/// renders, starts the `ActionURLClient`, keeps the timers and counts. With Redis a second one
/// per template sends the requests of the shared queue (`ActionURLSharedQueue`), one at a time,
/// and hears each one's final outcome (`onFinal`).
final class ActionURLTarget {
    let template: ActionURLTemplate
    /// `host:port` (`[v6]:port`): the metric label and the log field. Never the path or query.
    let label: String
    private let loop: EventLoop
    /// Resolved once at start; nil when the host did not resolve (every request is given up).
    let address: SocketAddress?
    let tls: TLSClientContext?
    private var queue: ActionURLTargetQueue<ActionURLRequest>
    private var client: ActionURLClient?
    /// When the first request's next attempt is due, while it waits for its backoff.
    private var retryAt: UInt64?
    private var stopped = false
    var queuePolicy: ActionURLRetryPolicy { queue.policy }
    /// The request in flight.
    private var sending: ActionURLRequest?
    /// A request was delivered or given up (not dropped, not abandoned).
    var onFinal: (ActionURLRequest) -> Void = { _ in }

    init(template: ActionURLTemplate, policy: ActionURLRetryPolicy, address: SocketAddress?, tls: TLSClientContext?, loop: EventLoop) {
        self.template = template
        label = template.host.contains(":") ? "[\(template.host)]:\(template.port)" : "\(template.host):\(template.port)"
        self.loop = loop
        self.address = address
        self.tls = tls
        queue = ActionURLTargetQueue(policy: policy)
    }

    /// The template filled with `values`; nil (counted and logged) when a value does not fit.
    func render(_ values: ActionURLValues) -> ActionURLRequest? {
        switch template.render(values) {
        case .failure(let error):
            loop.metrics.actionURL(.renderFailed, target: label)
            Log.warning("actionurl_render_failed", ["target": label, "action": values.action.rawValue, "reason": "\(error)"])
            return nil
        case .success(let rendered):
            return rendered
        }
    }

    /// The request to this target whose origin-form target is `target` (as the shared queue keeps it).
    func request(target: String) -> ActionURLRequest {
        ActionURLRequest(isTLS: template.isTLS, host: template.host, port: template.port, target: target)
    }

    /// Queues the request; sends it now if the target is idle.
    func enqueue(_ request: ActionURLRequest) {
        if case .queuedDroppingOldest = queue.enqueue(request, now: loop.now) {
            loop.metrics.actionURL(.dropped, target: label)
            Log.warning("actionurl_dropped", ["target": label, "queued": "\(queue.count)", "dropped": "\(queue.dropped)"])
        }
        pump()
    }

    /// The gateway is stopping: the attempt in flight is abandoned, nothing more is sent, and
    /// what was still queued is logged as lost.
    func shutdown() {
        stopped = true
        client?.cancel()
        client = nil
        if queue.count > 0 { Log.warning("actionurl_abandoned", ["target": label, "queued": "\(queue.count)"]) }
    }

    /// The shared queue's lease is lost: the attempt in flight is dropped unanswered and nothing
    /// queued here is sent (the next owner sends it again).
    func abandon() {
        client?.cancel()
        client = nil
        sending = nil
        retryAt = nil
        queue = ActionURLTargetQueue(policy: queue.policy)
    }

    /// On each loop tick: times out the attempt in flight, and starts the next one when its
    /// backoff is over.
    func tick(now: UInt64) {
        client?.abort(now: now)
        if client == nil, let due = retryAt, now >= due { pump() }
    }

    /// Sends what is due. A client that cannot even start counts as a failed attempt at once;
    /// the queue then schedules a retry (≥ 1 ms later) or gives up, so this loop ends.
    private func pump() {
        retryAt = nil
        while client == nil && !stopped {
            switch queue.nextDue(now: loop.now) {
            case .send(let request, _):
                sending = request
                guard let address else {
                    failed(.unresolved(template.host))
                    continue
                }
                do {
                    client = try ActionURLClient.start(request, address: address, tls: tls, loop: loop,
                                                       timeoutMilliseconds: queue.policy.timeoutMilliseconds) { [unowned self] result in
                        client = nil
                        finished(result)
                        pump()
                    }
                } catch {
                    failed(error)
                }
            case .wait(let until):
                retryAt = until
                return
            case .busy, .idle:
                return
            }
        }
    }

    private func finished(_ result: ActionURLClient.Result) {
        switch result {
        case .status(let status):
            switch ActionURLRetryPolicy.outcome(status: status) {
            case .success:
                queue.succeeded(now: loop.now)
                loop.metrics.actionURL(.delivered, target: label)
                final()
            case .retry:
                failed(status: "\(status)", reason: "status \(status)", permanent: false)
            case .permanent:
                failed(status: "\(status)", reason: "status \(status)", permanent: true)
            }
        case .failed(let failure):
            failed(failure)
        }
    }

    private func failed(_ failure: ActionURLClient.Failure) {
        failed(status: "none", reason: failure.description, permanent: failure.isPermanent)
    }

    private func failed(status: String, reason: String, permanent: Bool) {
        switch queue.failed(now: loop.now, fraction: Double.random(in: 0..<1), permanent: permanent) {
        case .retry(let at):
            loop.metrics.actionURL(.retried, target: label)
            Log.info("actionurl_retry", ["target": label, "status": status, "reason": reason,
                                         "delay_ms": "\(at > loop.now ? at - loop.now : 0)"])
        case .gaveUp:
            loop.metrics.actionURL(.givenUp, target: label)
            Log.warning("actionurl_given_up", ["target": label, "status": status, "reason": reason,
                                               "given_up": "\(queue.givenUp)"])
            final()
        }
    }

    private func final() {
        guard let request = sending else { return }
        sending = nil
        onFinal(request)
    }
}
