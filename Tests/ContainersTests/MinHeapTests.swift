import Testing
@testable import Containers

@Suite struct MinHeapTests {
    @Test func popsInAscendingOrderWhateverTheInsertionOrder() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 2, 3, 7, 64, 1_000] {
            let values = (0..<size).map { _ in Int.random(in: -50...50, using: &generator) }
            var heap = MinHeap<Int>()
            for value in values { heap.push(value) }
            #expect(heap.count == size && heap.first == values.min())
            var popped: [Int] = []
            while let value = heap.popFirst() { popped.append(value) }
            #expect(popped == values.sorted() && heap.isEmpty && heap.first == nil)
        }
    }

    @Test func interleavedPushesAndPops() {
        var heap = MinHeap<Int>()
        for value in [5, 3, 9] { heap.push(value) }
        #expect(heap.popFirst() == 3)
        heap.push(1)
        heap.push(7)
        #expect(heap.popFirst() == 1)
        #expect(heap.popFirst() == 5)
        #expect(heap.popFirst() == 7)
        #expect(heap.popFirst() == 9)
        #expect(heap.popFirst() == nil)
    }
}
