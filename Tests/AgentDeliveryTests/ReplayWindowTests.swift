import Testing
@testable import AgentDelivery

/// docs/agent-protocol.md §4: per-user numbering and the `attach` replay window.
@Suite struct ReplayWindowTests {
    /// An event's bytes: the seq it was given, as text.
    static func encode(_ seq: UInt64) -> [UInt8] { Array("seq \(seq)".utf8) }

    static func window(capacity: Int = 4, maxAge: UInt64 = 10_000, lastSeq: UInt64 = 0, appending times: [UInt64]) -> ReplayWindow {
        var window = ReplayWindow(capacity: capacity, maxAgeMilliseconds: maxAge, lastSeq: lastSeq)
        for now in times { _ = window.append(now: now, encode) }
        return window
    }

    static func entry(_ seq: UInt64, at recorded: UInt64) -> ReplayWindow.Entry {
        .init(seq: seq, bytes: encode(seq), recorded: recorded)
    }

    @Test func numbersFromOne() {
        var window = ReplayWindow(capacity: 4, maxAgeMilliseconds: 10_000)
        #expect(window.lastSeq == 0)
        #expect(window.count == 0)
        #expect(window.append(now: 100, Self.encode) == Self.entry(1, at: 100))
        #expect(window.append(now: 150, Self.encode) == Self.entry(2, at: 150))
        #expect(window.lastSeq == 2)
        #expect(window.count == 2)
    }

    @Test func anEntryIsFoundByItsSeqWhileKept() {
        // Six appended, four kept: 3…6.
        let window = Self.window(appending: [1, 2, 3, 4, 5, 6])
        #expect(window.entry(seq: 3) == Self.entry(3, at: 3))
        #expect(window.entry(seq: 6) == Self.entry(6, at: 6))
        for gone in [0, 1, 2, 7] as [UInt64] { #expect(window.entry(seq: gone) == nil, "\(gone)") }
        #expect(ReplayWindow(capacity: 4, maxAgeMilliseconds: 10, lastSeq: 9).entry(seq: 9) == nil)
    }

    @Test func numbersFromAGivenLastSeq() {
        var window = ReplayWindow(capacity: 4, maxAgeMilliseconds: 10_000, lastSeq: 41)
        #expect(window.lastSeq == 41)
        #expect(window.append(now: 7, Self.encode) == Self.entry(42, at: 7))
        #expect(window.lastSeq == 42)
    }

    @Test func bytesCarryTheSeqGivenToEncode() {
        var window = ReplayWindow(capacity: 2, maxAgeMilliseconds: 10_000, lastSeq: 9)
        var given: [UInt64] = []
        let entry = window.append(now: 0) { seq in
            given.append(seq)
            return [UInt8(seq), 0xff]
        }
        #expect(given == [10])
        #expect(entry.bytes == [10, 0xff])
        #expect(window.replay(after: 9, now: 0) == .complete([.init(seq: 10, bytes: [10, 0xff], recorded: 0)]))
    }

    @Test func capacityEvictsTheOldest() {
        var window = Self.window(capacity: 3, appending: [1, 2, 3, 4, 5])
        #expect(window.count == 3)
        #expect(window.lastSeq == 5)
        #expect(window.replay(after: 2, now: 5) == .complete([Self.entry(3, at: 3), Self.entry(4, at: 4), Self.entry(5, at: 5)]))
        #expect(window.replay(after: 1, now: 5) == .incomplete)
        #expect(window.replay(after: 0, now: 5) == .incomplete)
    }

    @Test func capacityOneKeepsTheLastEvent() {
        var window = Self.window(capacity: 1, appending: [1, 2, 3])
        #expect(window.count == 1)
        #expect(window.replay(after: 2, now: 3) == .complete([Self.entry(3, at: 3)]))
        #expect(window.replay(after: 1, now: 3) == .incomplete)
    }

    /// The ring wraps many times and still returns the last `capacity` events in order.
    @Test func wrapsAround() {
        var window = Self.window(capacity: 5, appending: Array(1...23))
        #expect(window.count == 5)
        #expect(window.replay(after: 18, now: 23) == .complete((19...23).map { Self.entry($0, at: $0) }))
        #expect(window.replay(after: 20, now: 23) == .complete((21...23).map { Self.entry($0, at: $0) }))
    }

    @Test func ageEvictsEventsRecordedMoreThanMaxAgeAgo() {
        var window = Self.window(capacity: 10, maxAge: 1_000, appending: [0, 500, 900])
        // At 1_000, the event of 0 is exactly maxAge old: kept.
        #expect(window.replay(after: 0, now: 1_000) == .complete([Self.entry(1, at: 0), Self.entry(2, at: 500), Self.entry(3, at: 900)]))
        // At 1_001, it is more than maxAge old: dropped, and a tab behind it is incomplete.
        #expect(window.replay(after: 0, now: 1_001) == .incomplete)
        #expect(window.count == 2)
        #expect(window.replay(after: 1, now: 1_001) == .complete([Self.entry(2, at: 500), Self.entry(3, at: 900)]))
        // At 1_901 every event is too old; a tab that saw them all is still up to date.
        #expect(window.replay(after: 3, now: 1_901) == .complete([]))
        #expect(window.count == 0)
        #expect(window.replay(after: 2, now: 1_901) == .incomplete)
    }

    @Test func appendAlsoDropsEventsPastTheirAge() {
        var window = Self.window(capacity: 10, maxAge: 100, appending: [0, 50])
        #expect(window.append(now: 160, Self.encode) == Self.entry(3, at: 160))
        #expect(window.count == 1)
        #expect(window.replay(after: 2, now: 160) == .complete([Self.entry(3, at: 160)]))
    }

    @Test func upToDateTabGetsNothing() {
        var window = Self.window(appending: [1, 2])
        #expect(window.replay(after: 2, now: 3) == .complete([]))
        var empty = ReplayWindow(capacity: 4, maxAgeMilliseconds: 10_000)
        #expect(empty.replay(after: 0, now: 0) == .complete([]))
        var restarted = ReplayWindow(capacity: 4, maxAgeMilliseconds: 10_000, lastSeq: 41)
        #expect(restarted.replay(after: 41, now: 0) == .complete([]))
    }

    @Test func tabBehindARestartedWindowIsIncomplete() {
        var restarted = ReplayWindow(capacity: 4, maxAgeMilliseconds: 10_000, lastSeq: 41)
        #expect(restarted.replay(after: 40, now: 0) == .incomplete)
        #expect(restarted.replay(after: 0, now: 0) == .incomplete)
        _ = restarted.append(now: 1, Self.encode)
        #expect(restarted.replay(after: 41, now: 1) == .complete([Self.entry(42, at: 1)]))
        #expect(restarted.replay(after: 40, now: 1) == .incomplete)
    }

    @Test func futureLastSeqIsIncomplete() {
        var window = Self.window(appending: [1, 2, 3])
        #expect(window.replay(after: 4, now: 3) == .incomplete)
        #expect(window.replay(after: .max, now: 3) == .incomplete)
        // Nothing was dropped by asking.
        #expect(window.count == 3)
        #expect(window.lastSeq == 3)
    }

    @Test func replayFromZeroReturnsEverything() {
        var window = Self.window(appending: [1, 2, 3])
        #expect(window.replay(after: 0, now: 3) == .complete([Self.entry(1, at: 1), Self.entry(2, at: 2), Self.entry(3, at: 3)]))
    }

    // MARK: the byte bound (issue 18, defect 7)

    /// `size` bytes for every event, the seq in front.
    static func sized(_ size: Int) -> (UInt64) -> [UInt8] {
        { seq in Array(repeating: UInt8(truncatingIfNeeded: seq), count: size) }
    }

    @Test func bytesEvictTheOldestBeforeTheCountDoes() {
        var window = ReplayWindow(capacity: 1_000, maxBytes: 250, maxAgeMilliseconds: 10_000)
        for now in 1...10 as ClosedRange<UInt64> { _ = window.append(now: now, Self.sized(60)) }
        // Four of 60 bytes fit in 250; the fifth would make 300.
        #expect(window.count == 4)
        #expect(window.bytes == 240)
        #expect(window.lastSeq == 10)
        guard case .complete(let missed) = window.replay(after: 6, now: 10) else {
            Issue.record("the last four are kept")
            return
        }
        #expect(missed.map(\.seq) == [7, 8, 9, 10])
        #expect(window.replay(after: 5, now: 10) == .incomplete)
        #expect(window.replay(after: 0, now: 10) == .incomplete)
    }

    @Test func eventsOfDifferentSizesKeepTheBoundExactly() {
        var window = ReplayWindow(capacity: 1_000, maxBytes: 100, maxAgeMilliseconds: 10_000)
        for (now, size) in [(1, 40), (2, 40), (3, 20)] as [(UInt64, Int)] { _ = window.append(now: now, Self.sized(size)) }
        #expect(window.bytes == 100 && window.count == 3)  // exactly at the bound: kept
        _ = window.append(now: 4, Self.sized(1))
        #expect(window.bytes == 61 && window.count == 3)  // the first 40 went
        _ = window.append(now: 5, Self.sized(90))
        #expect(window.bytes == 91 && window.count == 2)  // 40 and 20 went, 1 and 90 stay
        #expect(window.replay(after: 3, now: 5) == .complete([.init(seq: 4, bytes: Self.sized(1)(4), recorded: 4),
                                                               .init(seq: 5, bytes: Self.sized(90)(5), recorded: 5)]))
        #expect(window.replay(after: 2, now: 5) == .incomplete)
    }

    /// An event larger than the whole bound is delivered (returned) but not kept: a tab that
    /// missed it gets a fresh state.
    @Test func anEventLargerThanTheBoundIsNotKept() {
        var window = ReplayWindow(capacity: 10, maxBytes: 100, maxAgeMilliseconds: 10_000)
        _ = window.append(now: 1, Self.sized(50))
        let large = window.append(now: 2, Self.sized(101))
        #expect(large.seq == 2 && large.bytes.count == 101)
        #expect(window.count == 0 && window.bytes == 0)
        #expect(window.replay(after: 1, now: 2) == .incomplete)
        #expect(window.replay(after: 2, now: 2) == .complete([]))
        _ = window.append(now: 3, Self.sized(10))
        #expect(window.replay(after: 2, now: 3) == .complete([.init(seq: 3, bytes: Self.sized(10)(3), recorded: 3)]))
    }

    /// Eviction by count and by age give their bytes back too.
    @Test func bytesFollowEveryEviction() {
        var window = ReplayWindow(capacity: 3, maxBytes: 1_000, maxAgeMilliseconds: 100)
        for now in [0, 10, 20, 30] as [UInt64] { _ = window.append(now: now, Self.sized(10)) }
        #expect(window.count == 3 && window.bytes == 30)
        #expect(window.replay(after: 4, now: 125) == .complete([]))  // those of 10 and 20 are past 100 ms
        #expect(window.count == 1 && window.bytes == 10)
        #expect(window.replay(after: 4, now: 131) == .complete([]))
        #expect(window.count == 0 && window.bytes == 0)
    }

    /// The issue's figure: 1,000 notifications of 60 KB were 61 MiB in one user's window; under
    /// the default 1 MiB they are at most 1 MiB, the newest seventeen.
    @Test func aThousandLargeEventsStayUnderTheDefaultBound() {
        var window = ReplayWindow(capacity: 1_000, maxBytes: 1 << 20, maxAgeMilliseconds: 300_000)
        for now in 1...1_000 as ClosedRange<UInt64> { _ = window.append(now: now, Self.sized(60_000)) }
        #expect(window.bytes <= 1 << 20)
        #expect(window.count == 17)
        #expect(window.replay(after: 983, now: 1_000) != .incomplete)
        #expect(window.replay(after: 982, now: 1_000) == .incomplete)
    }
}
