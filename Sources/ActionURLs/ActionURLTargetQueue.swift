import Containers
import RetryBackoff

/// The outgoing Action URLs waiting for one target (one CRM host and port), as a pure state
/// machine the gateway drives (docs/style.md §2): it never does I/O and never reads a clock; time
/// (`now`, in milliseconds of any monotonic clock) and randomness (`fraction`) are passed in.
///
/// The gateway's loop, per target:
///
///     queue.enqueue(request, now: t)                       // on each call event; never blocks
///     switch queue.nextDue(now: t) {                       // after enqueue, a timer, a reply
///     case .send(let request, let attempt): start the HTTP request (timeout policy.timeoutMilliseconds)
///     case .wait(let until): arm a timer for `until`
///     case .busy, .idle: nothing
///     }
///     queue.succeeded(now: t)                              // on 2xx
///     queue.failed(now: t, fraction: random, permanent: outcome == .permanent)   // else
///
/// One request is in flight at a time; it stays first until it succeeds or is given up. The
/// counters are cumulative, for metrics (`callgate_actionurl_*_total`).
public struct ActionURLTargetQueue<Request: Sendable>: Sendable {
    public let policy: ActionURLRetryPolicy

    /// The first request: in flight, or waiting for its (next) attempt.
    private var head: Request?
    /// The requests behind it, oldest first.
    private var behind: RingBuffer<Request>
    /// The head's state.
    private var attempts = 0
    private var inFlight = false
    private var dueAt: UInt64 = 0
    private var backoff: Backoff

    /// Requests accepted by `enqueue`.
    public private(set) var enqueued: UInt64 = 0
    /// Requests answered 2xx.
    public private(set) var delivered: UInt64 = 0
    /// Requests abandoned after `maxAttempts` or a permanent failure.
    public private(set) var givenUp: UInt64 = 0
    /// Requests pushed out of a full queue before they were sent.
    public private(set) var dropped: UInt64 = 0
    /// Attempts after the first.
    public private(set) var retries: UInt64 = 0

    public init(policy: ActionURLRetryPolicy) {
        self.policy = policy
        behind = RingBuffer(maximumCapacity: policy.queueCapacity)
        backoff = policy.backoff
    }

    /// Requests held, including the one in flight.
    public var count: Int { (head == nil ? 0 : 1) + behind.count }
    public var isInFlight: Bool { inFlight }

    public enum Enqueued: Sendable {
        case queued
        /// Queued, and the oldest waiting request was dropped to make room (it is returned for logging).
        case queuedDroppingOldest(Request)
    }

    /// Adds `request` at the end. When `queueCapacity` requests already wait (besides the one in
    /// flight), the oldest waiting one is dropped and counted. A dropped first request that was
    /// waiting for a retry takes its attempt count with it.
    public mutating func enqueue(_ request: Request, now: UInt64) -> Enqueued {
        enqueued += 1
        var result = Enqueued.queued
        if count - (inFlight ? 1 : 0) >= policy.queueCapacity {
            dropped += 1
            if let waitingHead = head, !inFlight {
                result = .queuedDroppingOldest(waitingHead)
                head = behind.isEmpty ? nil : behind.removeFirst()
                resetHead(now: now)
            } else {
                result = .queuedDroppingOldest(behind.removeFirst())
            }
        }
        if head == nil {
            head = request
            resetHead(now: now)
        } else {
            behind.append(request)
        }
        return result
    }

    public enum Next: Sendable {
        /// Send this request now; `attempt` is 1 for the first try.
        case send(Request, attempt: Int)
        /// The first request waits for its retry time (milliseconds, the clock of `now`).
        case wait(until: UInt64)
        /// A request is in flight: wait for `succeeded` or `failed`.
        case busy
        /// Nothing to send.
        case idle
    }

    /// What to do at `now`. `.send` marks the request in flight.
    public mutating func nextDue(now: UInt64) -> Next {
        guard !inFlight else { return .busy }
        guard let first = head else { return .idle }
        guard now >= dueAt else { return .wait(until: dueAt) }
        inFlight = true
        attempts += 1
        if attempts > 1 { retries += 1 }
        return .send(first, attempt: attempts)
    }

    /// The request in flight was answered 2xx: it leaves the queue.
    public mutating func succeeded(now: UInt64) {
        precondition(inFlight, "succeeded without a request in flight")
        delivered += 1
        advance(now: now)
    }

    public enum Failed: Sendable {
        /// It stays first and is due again at this time.
        case retry(at: UInt64)
        /// It was given up (attempts exhausted or a permanent failure) and left the queue.
        case gaveUp(Request)
    }

    /// The request in flight failed (network error, timeout, non-2xx). `fraction` is a random
    /// number in `0..<1` for the jitter; `permanent` gives it up at once
    /// (`ActionURLRetryPolicy.outcome(status:) == .permanent`).
    public mutating func failed(now: UInt64, fraction: Double, permanent: Bool = false) -> Failed {
        precondition(inFlight, "failed without a request in flight")
        inFlight = false
        guard !permanent, attempts < policy.maxAttempts else {
            givenUp += 1
            let request = head!
            advance(now: now)
            return .gaveUp(request)
        }
        dueAt = now + UInt64(backoff.failed(fraction: fraction))
        return .retry(at: dueAt)
    }

    /// The head leaves; the next one (if any) becomes the head.
    private mutating func advance(now: UInt64) {
        head = behind.isEmpty ? nil : behind.removeFirst()
        resetHead(now: now)
    }

    /// The next first request starts fresh: due now, no attempts, backoff from the base.
    private mutating func resetHead(now: UInt64) {
        inFlight = false
        attempts = 0
        dueAt = now
        backoff.succeeded()
    }
}
