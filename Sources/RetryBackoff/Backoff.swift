/// Reconnect delays for an upstream connection: exponential growth with full jitter (the
/// delay is uniform in `0...min(cap, base × 2^attempt)`), so that many gateways that lost the
/// same back end do not reconnect in lockstep. Pure: the caller passes the random fraction.
public struct Backoff: Sendable, Equatable {
    public var baseMilliseconds: Int
    public var capMilliseconds: Int
    /// Consecutive failures since the last success.
    public private(set) var attempt = 0

    public init(baseMilliseconds: Int = 100, capMilliseconds: Int = 30_000) {
        precondition(baseMilliseconds > 0 && capMilliseconds >= baseMilliseconds)
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
    }

    /// The ceiling of the next delay: `min(cap, base × 2^attempt)`.
    public var ceilingMilliseconds: Int {
        let shift = min(attempt, 30)
        return min(capMilliseconds, baseMilliseconds << shift)
    }

    /// Records a failure and returns how long to wait before the next try; `fraction` is a
    /// random number in `0..<1`. The delay is at least 1 ms.
    public mutating func failed(fraction: Double) -> Int {
        let ceiling = ceilingMilliseconds
        attempt += 1
        return max(1, Int(Double(ceiling) * min(max(fraction, 0), 1)))
    }

    /// A connection was established: the next failure starts from `base` again.
    public mutating func succeeded() { attempt = 0 }
}
