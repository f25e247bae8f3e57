@testable import LoadgenCore
import Testing

@Suite struct LatencyHistogramTests {
    @Test func bucketsAreContiguousAndNarrow() {
        var expectedLower: UInt64 = 0
        for index in 0..<LatencyHistogram.bucketCount {
            let (lower, width) = LatencyHistogram.bucketRange(index)
            #expect(lower == expectedLower, "bucket \(index)")
            #expect(LatencyHistogram.bucketIndex(lower) == index)
            #expect(LatencyHistogram.bucketIndex(lower + width - 1) == index)
            #expect(lower < 128 || width * 64 <= lower, "bucket \(index) is wider than 1/64 of its lower bound")
            expectedLower = lower + width
        }
        #expect(expectedLower == 1 << 44)
    }

    @Test func quantilesOfAUniformRange() {
        let histogram = LatencyHistogram()
        for value in 1...100_000 as ClosedRange<UInt64> { histogram.record(value * 1000) }
        #expect(histogram.count == 100_000)
        for (q, exact) in [(0.5, 50_000_000.0), (0.99, 99_000_000.0), (0.999, 99_900_000.0)] {
            let value = Double(histogram.value(atQuantile: q)!)
            #expect(abs(value - exact) / exact < 0.01, "q \(q): \(value)")
        }
        #expect(histogram.min == 1000)
        #expect(histogram.max == 100_000_000)
        histogram.reset()
        #expect(histogram.count == 0)
        #expect(histogram.value(atQuantile: 0.5) == nil)
    }

    @Test func hugeValuesLandInTheTopBucket() {
        let histogram = LatencyHistogram()
        histogram.record(.max)
        #expect(histogram.value(atQuantile: 1) == (1 << 44) - 1)
    }
}
