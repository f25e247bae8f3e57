/// The clocks the engine is given with every input: the loop's monotonic milliseconds (replay
/// window ages, ack deadlines, dedup windows, throttles, sign-out timers, instance liveness) and
/// the wall clock in Unix seconds (Call objects of device events, last callers, Action URL values)
/// and milliseconds (when a tab joined: the order of the primary tab between instances).
public struct DeliveryTime: Hashable, Sendable {
    public var milliseconds: UInt64
    public var unixSeconds: Int64
    public var unixMilliseconds: Int64

    /// `unixMilliseconds` defaults to the start of `unixSeconds`.
    public init(milliseconds: UInt64, unixSeconds: Int64, unixMilliseconds: Int64? = nil) {
        self.milliseconds = milliseconds
        self.unixSeconds = unixSeconds
        self.unixMilliseconds = unixMilliseconds ?? unixSeconds * 1_000
    }
}
