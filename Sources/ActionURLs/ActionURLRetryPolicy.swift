import RetryBackoff

/// How outgoing Action URLs to one target are retried and queued (issue 7: "a bounded queue per
/// target, retries with backoff, timeouts, and a counter for what was given up"). Pure settings
/// plus the schedule; `ActionURLTargetQueue` is the state machine that follows them.
///
/// - **Attempts**: at most `maxAttempts` per request, the first included. A 2xx answer is
///   success. A network error, a timeout, 408, 429 and 5xx are retried; any other status
///   (3xx, which is not followed; 4xx) is permanent and the request is given up at once
///   (`outcome(status:)`).
/// - **Backoff** after the n-th failed attempt: full jitter (`Backoff`): uniform in
///   `[1 ms, min(maxDelay, baseDelay × 2^(n−1))]`, drawn from the random fraction the gateway
///   passes in, so that many gateways do not hammer a CRM that comes back in lockstep.
/// - **Timeout**: the gateway's HTTP client abandons an attempt after `timeoutMilliseconds`
///   (connect to last response byte) and reports it as a failure.
/// - **Queue**: requests to one target are sent one at a time, in order (a call's `connected`
///   never overtakes its `inbound`); at most `queueCapacity` wait behind the one in flight.
///   When full, the **oldest waiting** request is dropped and counted: the newest events are
///   the ones a CRM screen-pop needs.
public struct ActionURLRetryPolicy: Hashable, Sendable {
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int
    public var timeoutMilliseconds: Int
    public var queueCapacity: Int

    /// Defaults: 5 attempts, 500 ms doubling to 30 s, 5 s timeout, 256 waiting requests. A dead
    /// CRM holds one request for at most 7.5 s of backoff (ceilings 0.5 + 1 + 2 + 4 s) plus five
    /// timeouts (25 s); a CRM that is down for longer loses the oldest events first.
    public init(maxAttempts: Int = 5, baseDelayMilliseconds: Int = 500, maxDelayMilliseconds: Int = 30_000,
                timeoutMilliseconds: Int = 5_000, queueCapacity: Int = 256) {
        precondition(maxAttempts >= 1, "maxAttempts counts the first attempt")
        precondition(baseDelayMilliseconds > 0 && maxDelayMilliseconds >= baseDelayMilliseconds)
        precondition(timeoutMilliseconds > 0 && queueCapacity >= 1)
        self.maxAttempts = maxAttempts
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.queueCapacity = queueCapacity
    }

    /// What an HTTP status means for the request.
    public enum Outcome: Hashable, Sendable {
        case success
        /// Worth another attempt (network error, timeout, 408, 429, 5xx).
        case retry
        /// Will not get better by repeating it: give the request up now.
        case permanent
    }

    public static func outcome(status: Int) -> Outcome {
        switch status {
        case 200...299: .success
        case 408, 429, 500...599: .retry
        default: .permanent
        }
    }

    /// The ceiling of the wait after the `failures`-th failed attempt (1-based):
    /// `min(maxDelay, baseDelay × 2^(failures−1))`.
    public func delayCeiling(afterFailures failures: Int) -> Int {
        var backoff = backoff
        for _ in 1..<max(1, failures) { _ = backoff.failed(fraction: 0) }
        return backoff.ceilingMilliseconds
    }

    /// A fresh `Backoff` with this policy's base and cap.
    var backoff: Backoff { Backoff(baseMilliseconds: baseDelayMilliseconds, capMilliseconds: maxDelayMilliseconds) }
}
