import Testing
@testable import Containers

/// The eviction `IdempotencyCache`, `LoginThrottle` and `LastCallers` share: oldest stored first,
/// by age and past the capacity, with re-stored and removed keys skipped.
@Suite struct ArrivalOrderedMapTests {
    @Test func storeReadModifyRemove() {
        var map = ArrivalOrderedMap<String, Int>(capacity: 10)
        map.store(1, for: "a")
        map.store(2, for: "b")
        #expect(map["a"] == 1 && map["b"] == 2 && map["c"] == nil && map.count == 2)
        map.modify("a") { $0 += 10 }
        map.modify("c") { $0 += 10 }
        #expect(map["a"] == 11 && map["c"] == nil)
        map.removeValue(forKey: "a")
        #expect(map["a"] == nil && map.count == 1)
    }

    /// Past the capacity the least recently stored goes; storing a key again makes it the newest,
    /// and `modify` does not.
    @Test func capacityEvictsTheLeastRecentlyStored() {
        var map = ArrivalOrderedMap<String, Int>(capacity: 2)
        map.store(1, for: "a")
        map.store(2, for: "b")
        map.store(3, for: "a")          // a is the newest now
        map.store(4, for: "c")          // b goes
        #expect(map["a"] == 3 && map["b"] == nil && map["c"] == 4 && map.count == 2)
        map.modify("a") { $0 = 5 }      // a keeps its place: the oldest
        map.store(6, for: "d")          // a goes
        #expect(map["a"] == nil && map["c"] == 4 && map["d"] == 6)
        var none = ArrivalOrderedMap<String, Int>(capacity: 0)
        none.store(1, for: "a")
        #expect(none.count == 0 && none["a"] == nil)
    }

    /// `dropOldest` stops at the first entry that is not expired; stale arrivals (re-stored or
    /// removed keys) are skipped, never taken for their key's live entry.
    @Test func dropOldestStopsAtTheFirstLiveEntry() {
        var map = ArrivalOrderedMap<String, Int>(capacity: 10)
        for (time, key) in [(0, "a"), (1, "b"), (2, "c"), (3, "d")] { map.store(time, for: key) }
        map.store(4, for: "a")          // a's arrival at 0 is stale
        map.removeValue(forKey: "c")    // c's arrival at 2 is stale
        map.dropOldest { $0 < 3 }       // b (1) goes; a's stale arrival does not drop a (4)
        #expect(map["a"] == 4 && map["b"] == nil && map["d"] == 3 && map.count == 2)
        map.dropOldest { _ in true }
        #expect(map.count == 0)
    }

    /// Many re-stores of few keys leave the ring bounded (rebuilt when stale arrivals outnumber
    /// the live ones), and the order stays right through the rebuilds.
    @Test func restoringManyTimesKeepsTheOrder() {
        var map = ArrivalOrderedMap<Int, Int>(capacity: 3)
        for round in 0..<10_000 { map.store(round, for: round % 3) }
        #expect(map.count == 3 && map[0] == 9_999 && map[1] == 9_997 && map[2] == 9_998)
        map.store(0, for: 7)            // the least recently stored key, 1, goes
        #expect(map[1] == nil && map[0] == 9_999 && map[2] == 9_998 && map[7] == 0)
    }
}
