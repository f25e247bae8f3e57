import AgentProtocol
import Testing
@testable import Switchboard

/// `call_guid` (docs/compatibility.md §4.3: 128 bits with the time and at least 64 random ones) and `uniqueid`
/// (unique across gateways and restarts).
@Suite struct CallIdentityTests {
    let t0 = Harness.t0

    /// RFC 9562 Appendix A.6, the UUIDv7 example: 2022-02-22 14:22:22 -05:00, rand_a 0xCC3,
    /// rand_b 0x18C4DC0C0C07398F.
    @Test func rfc9562ExampleVector() {
        let random: [UInt8] = [0x0C, 0xC3, 0x18, 0xC4, 0xDC, 0x0C, 0x0C, 0x07, 0x39, 0x8F]
        #expect(CallGUID.make(unixMilliseconds: 0x017F_22E2_79B0, random: random) == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
        // Version and variant bits overwrite whatever the random bytes had there.
        #expect(CallGUID.make(unixMilliseconds: 0x017F_22E2_79B0, random: random.enumerated().map { $0.offset == 0 ? $0.element | 0xF0 : $0.offset == 2 ? $0.element | 0xC0 : $0.element })
            == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
    }

    @Test func layoutTimeVersionVariantAndRandomBits() {
        let ones = CallGUID.make(unixMilliseconds: 1_700_000_000_123, random: [UInt8](repeating: 0xFF, count: 10))
        let zeros = CallGUID.make(unixMilliseconds: 1_700_000_000_123, random: [UInt8](repeating: 0, count: 10))
        // 1_700_000_000_123 = 0x018BCFE5687B
        #expect(ones == "018bcfe5-687b-7fff-bfff-ffffffffffff")
        #expect(zeros == "018bcfe5-687b-7000-8000-000000000000")
        // 74 bits differ between all-ones and all-zeros random input: at least the wiki's 64.
        let differing = zip(ones.utf8, zeros.utf8).filter { $0 != $1 }.count
        #expect(differing == 19)   // 3 digits of rand_a, the variant's digit (2 of its bits), 15 of rand_b
    }

    @Test func everyCallGetsAFreshGUIDAndItStaysForTheCallsLife() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", "carol")
        _ = try board.execute(.changeStatus(status: .aux, reason: "Porada"), for: "carol", now: t0)
        let first = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 1)
        _ = try board.execute(.answer, for: "alice", now: t0 + 2)
        _ = try board.execute(.blindTransfer(number: "2003"), for: "alice", now: t0 + 3)
        _ = try board.execute(.answer, for: "carol", now: t0 + 4)
        _ = try board.remoteHangup(uniqueid: first.uniqueid, now: t0 + 5)
        let second = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 5)
        var guids: [String: Set<String>] = [:]
        for event in board.takeEvents() {
            switch event.event {
            case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHangup(let call):
                guids[call.uniqueid, default: []].insert(call.call_guid)
            default: break
            }
        }
        #expect(guids[first.uniqueid] == [first.call_guid])    // alice's and carol's legs alike
        #expect(guids[second.uniqueid] == [second.call_guid])
        #expect(first.call_guid != second.call_guid)
        for guid in [first.call_guid, second.call_guid] {
            let groups = guid.split(separator: "-").map(String.init)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(guid)")
            #expect(guid.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || $0 == 0x2D })
            #expect(groups[2].first == "7" && "89ab".contains(groups[3].first!))
        }
        #expect(first.call_guid.hasPrefix("018bcfe5-6be8"))    // (t0 + 1) s = 0x018BCFE56BE8 ms
    }

    /// Two gateways started in the same second, each placing its first call then: today's
    /// `<seconds>.<counter>` named both `1700000000.1`.
    @Test func twoSwitchboardsInTheSameSecondNameTheirCallsApart() throws {
        var names: [(uniqueid: String, guid: String, instance: String)] = []
        for _ in 0..<2 {
            let board = Harness.board()
            try Harness.ready(board, "alice")
            let call = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0)
            names.append((call.uniqueid, call.call_guid, board.namer.instance))
            #expect(call.uniqueid == "\(board.namer.instance)-\(t0).1")
            #expect(board.namer.instance.utf8.count == 12)
        }
        #expect(names[0].uniqueid != names[1].uniqueid)
        #expect(names[0].guid != names[1].guid)
        #expect(names[0].instance != names[1].instance)
    }

    /// The names come from the random source passed in, nothing else.
    @Test func namesComeFromTheRandomSourcePassedIn() {
        var next: UInt8 = 0
        let namer = CallNamer { count in
            (0..<count).map { _ in next &+= 1; return next }
        }
        #expect(namer.instance == "010203040506")
        let name = namer.name(now: 1_700_000_000, order: 7)
        #expect(name.uniqueid == "010203040506-1700000000.7")
        // bytes 07 08 09 0a 0b 0c 0d 0e 0f 10: rand_a 0x708, rand_b from 0x09 & 0x3F, 0a 0b …
        #expect(name.guid == "018bcfe5-6800-7708-890a-0b0c0d0e0f10")
    }
}
