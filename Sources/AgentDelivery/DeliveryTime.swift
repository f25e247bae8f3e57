/// The two clocks the engine is given with every input: the loop's monotonic milliseconds (replay
/// window ages, ack deadlines, dedup windows, throttles, sign-out timers) and the wall clock in
/// Unix seconds (Call objects of device events, last callers, Action URL values).
public struct DeliveryTime: Hashable, Sendable {
    public var milliseconds: UInt64
    public var unixSeconds: Int64

    public init(milliseconds: UInt64, unixSeconds: Int64) {
        self.milliseconds = milliseconds
        self.unixSeconds = unixSeconds
    }
}
