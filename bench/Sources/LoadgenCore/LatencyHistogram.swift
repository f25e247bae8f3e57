/// A fixed log-linear histogram of nanosecond values, in the manner of HdrHistogram: values below
/// 128 get a bucket each; above, every power of two is split into 64 equal buckets, so a bucket is
/// never wider than 1/64 of its lower bound (under 1.6 %, about 0.8 % either side of its midpoint).
///
/// All buckets are allocated once; `record` does no allocation and no bounds-checked array access.
/// Values from 2^44 ns (about 4.9 hours) up are counted in the top bucket.
public final class LatencyHistogram {
    @usableFromInline static let subBucketBits = 7
    @usableFromInline static let halfCount = 64
    @usableFromInline static let maxValue: UInt64 = (1 << 44) - 1
    public static let bucketCount = (44 - 7 + 1) * 64 + 64

    @usableFromInline let counts: UnsafeMutablePointer<UInt64>
    @usableFromInline var total: UInt64 = 0
    @usableFromInline var minValue: UInt64 = .max
    @usableFromInline var maxSeen: UInt64 = 0
    @usableFromInline var sum: UInt64 = 0

    public init() {
        self.counts = .allocate(capacity: Self.bucketCount)
        self.counts.initialize(repeating: 0, count: Self.bucketCount)
    }

    deinit {
        self.counts.deallocate()
    }

    @inlinable
    public func record(_ nanoseconds: UInt64) {
        let value = Swift.min(nanoseconds, Self.maxValue)
        self.counts[Self.bucketIndex(value)] &+= 1
        self.total &+= 1
        self.sum &+= value
        if value < self.minValue { self.minValue = value }
        if value > self.maxSeen { self.maxSeen = value }
    }

    @inlinable
    static func bucketIndex(_ value: UInt64) -> Int {
        guard value >= 128 else { return Int(value) }
        let shift = (63 - value.leadingZeroBitCount) - (subBucketBits - 1)
        return shift * halfCount + Int(truncatingIfNeeded: value >> UInt64(shift))
    }

    /// The smallest value that falls in bucket `index`, and the bucket's width.
    static func bucketRange(_ index: Int) -> (lower: UInt64, width: UInt64) {
        guard index >= 128 else { return (UInt64(index), 1) }
        let shift = index / halfCount - 1
        let mantissa = UInt64(index - shift * halfCount)
        return (mantissa << UInt64(shift), 1 << UInt64(shift))
    }

    public var count: UInt64 { self.total }
    public var min: UInt64? { self.total == 0 ? nil : self.minValue }
    public var max: UInt64? { self.total == 0 ? nil : self.maxSeen }
    public var mean: Double? { self.total == 0 ? nil : Double(self.sum) / Double(self.total) }

    /// The value at quantile `q` (0...1): the midpoint of the bucket holding the sample of rank
    /// ceil(q × count), clamped to the exact minimum and maximum seen.
    public func value(atQuantile q: Double) -> UInt64? {
        guard self.total > 0 else { return nil }
        let rank = Swift.max(1, UInt64((q * Double(self.total)).rounded(.up)))
        var seen: UInt64 = 0
        for index in 0..<Self.bucketCount {
            seen += self.counts[index]
            if seen >= rank {
                let (lower, width) = Self.bucketRange(index)
                return Swift.min(Swift.max(lower + width / 2, self.minValue), self.maxSeen)
            }
        }
        return self.maxSeen
    }

    public func reset() {
        self.counts.update(repeating: 0, count: Self.bucketCount)
        self.total = 0
        self.sum = 0
        self.minValue = .max
        self.maxSeen = 0
    }
}

@available(*, unavailable)
extension LatencyHistogram: Sendable {}
