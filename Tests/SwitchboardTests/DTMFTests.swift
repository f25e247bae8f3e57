import AgentProtocol
import JSON
import Testing
@testable import Switchboard

/// `dtmf` (the Vodia popup's keypad): touch-tones into a connected call, kept on the call and
/// listed by the admin API, never in the Call object agents receive.
@Suite struct DTMFTests {
    let t0 = Harness.t0

    private func listing(_ board: Switchboard) throws -> [[String: JSONValue]] {
        let (status, body) = board.perform(.listCalls, now: t0 + 30)
        #expect(status == 200)
        guard case .object(let top) = try JSONValue(parsing: String(decoding: body, as: UTF8.self)), case .array(let calls)? = top["calls"] else {
            Issue.record("not a call listing: \(String(decoding: body, as: UTF8.self))")
            return []
        }
        return calls.compactMap { if case .object(let call) = $0 { call } else { nil } }
    }

    @Test func digitsGoIntoTheConnectedCallAndTheAdminListing() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        #expect(Harness.code { _ = try board.execute(.dtmf(digits: "1"), for: "alice", now: t0) } == "noActiveCall")
        let uniqueid = try #require(Harness.uniqueid(try board.execute(.dial(DialParams(number: "+420602123456")), for: "alice", now: t0)))
        _ = board.takeEvents()
        #expect(Harness.code { _ = try board.execute(.dtmf(digits: "1"), for: "alice", now: t0 + 1) } == "notConnected")
        #expect(try listing(board).first?["dtmf"] == .string(""))

        _ = try board.remoteAnswer(uniqueid: uniqueid, now: t0 + 5)
        _ = board.takeEvents()
        #expect(try board.execute(.dtmf(digits: "12"), for: "alice", now: t0 + 10) == .ok)
        #expect(try board.execute(.dtmf(digits: "*#A"), for: "alice", now: t0 + 11) == .ok)
        #expect(board.takeEvents().isEmpty)  // nothing emitted: the Call object is the guide's
        let listed = try listing(board)
        #expect(listed.count == 1)
        #expect(listed.first?["uniqueid"] == .string(uniqueid))
        #expect(listed.first?["dtmf"] == .string("12*#A"))
        // The listing is the Call object plus `dtmf` at its end, byte for byte.
        let (_, body) = board.perform(.listCalls, now: t0 + 30)
        let call = board.calls[0]
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"calls":["# + String(decoding: call.encoded().dropLast(), as: UTF8.self) + #","dtmf":"12*#A"}]}"#)
        #expect(call.data["dtmf"] == nil)

        _ = try board.execute(.hold, for: "alice", now: t0 + 12)
        #expect(Harness.code { _ = try board.execute(.dtmf(digits: "3"), for: "alice", now: t0 + 13) } == "notConnected")
        _ = try board.execute(.unhold, for: "alice", now: t0 + 14)
        _ = try board.execute(.dtmf(digits: String(repeating: "9", count: 32)), for: "alice", now: t0 + 15)
        for _ in 0..<8 { _ = try board.execute(.dtmf(digits: String(repeating: "0", count: 32)), for: "alice", now: t0 + 16) }
        let kept = try listing(board).first?["dtmf"]
        #expect(kept == .string(String(repeating: "0", count: 256)))  // the latest 256 kept

        _ = try board.remoteHangup(uniqueid: uniqueid, now: t0 + 20)
        #expect(try listing(board).isEmpty)
        #expect(Harness.code { _ = try board.execute(.dtmf(digits: "1"), for: "alice", now: t0 + 21) } == "noActiveCall")
    }

    @Test func anIncomingCallTakesDigitsOnceAnswered() throws {
        let board = Harness.board()
        try Harness.ready(board, "bob")
        let call = try board.placeInboundCall(from: "+420777000111", to: .user("bob"), now: t0)
        #expect(Harness.code { _ = try board.execute(.dtmf(digits: "5"), for: "bob", now: t0 + 1) } == "notConnected")
        _ = try board.execute(.answer, for: "bob", now: t0 + 2)
        _ = try board.execute(.dtmf(digits: "5"), for: "bob", now: t0 + 3)
        #expect(try listing(board).first { $0["uniqueid"] == .string(call.uniqueid) }?["dtmf"] == .string("5"))
    }
}
