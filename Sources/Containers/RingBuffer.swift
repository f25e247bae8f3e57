/// A first-in, first-out queue over a circular array, for logs and arrival orders (the delivery
/// rules of `AgentDelivery`, `LastCallers`, `ActionURLTargetQueue`): `append` amortised O(1),
/// `removeFirst` and indexed reads (0 is the oldest) O(1).
///
/// Storage is allocated on the first `append`, doubles up to `maximumCapacity` and never
/// shrinks; a removed slot is cleared at once, so it holds no memory. Appending beyond
/// `maximumCapacity` traps: the owner evicts first.
public struct RingBuffer<Element> {
    public let maximumCapacity: Int
    private var storage: [Element?] = []
    /// The slot of the oldest element.
    private var head = 0
    public private(set) var count = 0

    public init(maximumCapacity: Int = .max) {
        precondition(maximumCapacity >= 1, "RingBuffer needs room for at least one element")
        self.maximumCapacity = maximumCapacity
    }

    public var isEmpty: Bool { count == 0 }

    /// The oldest element.
    public var first: Element? { count == 0 ? nil : storage[head] }

    /// The element `offset` places after the oldest one.
    public subscript(offset: Int) -> Element {
        precondition(offset >= 0 && offset < count, "RingBuffer offset out of range")
        return storage[slot(offset)]!
    }

    public mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[slot(count)] = element
        count += 1
    }

    @discardableResult
    public mutating func removeFirst() -> Element {
        precondition(count > 0, "removeFirst on an empty RingBuffer")
        let element = storage[head]!
        storage[head] = nil
        head = head + 1 == storage.count ? 0 : head + 1
        count -= 1
        return element
    }

    /// Keeps the elements for which `keep` is true, in order. O(n).
    public mutating func filter(_ keep: (Element) -> Bool) {
        var kept = RingBuffer(maximumCapacity: maximumCapacity)
        for offset in 0..<count where keep(self[offset]) { kept.append(self[offset]) }
        self = kept
    }

    private func slot(_ offset: Int) -> Int {
        let index = head + offset
        return index >= storage.count ? index - storage.count : index
    }

    private mutating func grow() {
        precondition(storage.count < maximumCapacity, "RingBuffer is full")
        let capacity = min(max(storage.count * 2, 4), maximumCapacity)
        var grown: [Element?] = []
        grown.reserveCapacity(capacity)
        for offset in 0..<count { grown.append(storage[slot(offset)]) }
        grown.append(contentsOf: repeatElement(nil, count: capacity - count))
        storage = grown
        head = 0
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
