import Testing
@testable import Containers

@Suite struct RingBufferTests {
    static func contents(_ buffer: RingBuffer<Int>) -> [Int] { (0..<buffer.count).map { buffer[$0] } }

    @Test func firstInFirstOutAcrossGrowthAndWrapping() {
        var buffer = RingBuffer<Int>()
        #expect(buffer.isEmpty)
        #expect(buffer.first == nil)
        for value in 1...3 { buffer.append(value) }
        #expect(buffer.removeFirst() == 1)
        for value in 4...9 { buffer.append(value) }   // wraps, then grows
        #expect(Self.contents(buffer) == [2, 3, 4, 5, 6, 7, 8, 9])
        #expect(buffer.first == 2)
        #expect(buffer.removeFirst() == 2)
        #expect(buffer.count == 7)
    }

    @Test func growsNoFurtherThanTheMaximum() {
        var buffer = RingBuffer<Int>(maximumCapacity: 5)
        for value in 1...5 { buffer.append(value) }
        for value in 6...20 {
            buffer.removeFirst()
            buffer.append(value)
        }
        #expect(Self.contents(buffer) == [16, 17, 18, 19, 20])
    }

    @Test func filterKeepsOrder() {
        var buffer = RingBuffer<Int>()
        for value in 1...10 { buffer.append(value) }
        for _ in 0..<3 { buffer.removeFirst() }
        buffer.filter { $0 % 2 == 0 }
        #expect(Self.contents(buffer) == [4, 6, 8, 10])
    }
}
