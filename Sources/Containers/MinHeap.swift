/// A binary min-heap (the smallest element on top): the deadline queues of `ExpiringSet` and
/// AgentDelivery's `RingingAcks`. `push` and `popFirst` are O(log n), `first` O(1). Equal
/// elements come out in no particular order; a caller that needs ties in arrival order puts a
/// counter in its `Comparable` (as `RingingAcks` does).
public struct MinHeap<Element: Comparable & Sendable>: Sendable {
    @usableFromInline var elements: [Element] = []

    @inlinable public init() {}

    @inlinable public var first: Element? { elements.first }
    @inlinable public var count: Int { elements.count }
    @inlinable public var isEmpty: Bool { elements.isEmpty }

    @inlinable
    public mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element; nil when empty.
    @inlinable @discardableResult
    public mutating func popFirst() -> Element? {
        guard let last = elements.popLast() else { return nil }
        guard !elements.isEmpty else { return last }
        let top = elements[0]
        elements[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < elements.count, elements[left] < elements[smallest] { smallest = left }
            if right < elements.count, elements[right] < elements[smallest] { smallest = right }
            guard smallest != parent else { return top }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
