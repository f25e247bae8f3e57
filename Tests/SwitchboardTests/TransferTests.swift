import AgentProtocol
import Testing
@testable import Switchboard

@Suite struct TransferTests {
    let t0 = Harness.t0

    /// alice (READY) takes a queue call from 602123456 at t0+12; bob is READY but in AUX so the
    /// queue does not pick him (direct calls still ring him).
    func answeredQueueCall(acwSeconds: Int = 5) throws -> (Switchboard, String) {
        let board = Harness.board(acwSeconds: acwSeconds)
        try Harness.ready(board, "alice", "bob", "carol")
        _ = try board.execute(.changeStatus(status: .aux, reason: "Porada"), for: "bob", now: t0)
        _ = try board.execute(.changeStatus(status: .aux, reason: "Porada"), for: "carol", now: t0)
        let call = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        _ = try board.execute(.answer, for: "alice", now: t0 + 12)
        _ = board.takeEvents()
        return (board, call.uniqueid)
    }

    @Test func consultativeTransferToAnAgent() throws {
        let (board, held) = try answeredQueueCall()
        #expect(Harness.code { _ = try board.execute(.finishTransfer, for: "alice", now: t0 + 20) } == "noTransfer")
        #expect(Harness.code { _ = try board.execute(.transfer(number: "x"), for: "alice", now: t0 + 20) } == "invalidNumber")
        let reply = try board.execute(.transfer(number: "2002"), for: "alice", now: t0 + 20)
        let consult = try #require(Harness.uniqueid(reply))
        #expect(Harness.lines(board) == ["alice callHold INCOMING state=5", "alice callNew OUTGOING state=1",
                                         "bob callNew INCOMING state=0", "alice callRinging OUTGOING state=2",
                                         "bob callRinging INCOMING state=2"])
        #expect(Harness.code { _ = try board.execute(.transfer(number: "2003"), for: "alice", now: t0 + 21) } == "transferInProgress")
        #expect(Harness.code { _ = try board.execute(.blindTransfer(number: "2003"), for: "alice", now: t0 + 21) } == "transferInProgress")
        #expect(Harness.code { _ = try board.execute(.finishTransfer, for: "alice", now: t0 + 21) } == "notConnected")
        _ = try board.execute(.answer, for: "bob", now: t0 + 25)
        #expect(Harness.lines(board) == ["alice callConnect OUTGOING state=3", "bob callConnect INCOMING state=3"])
        #expect(board.snapshot(of: "alice", now: t0 + 30)?.call?.uniqueid == consult)

        #expect(try board.execute(.finishTransfer, for: "alice", now: t0 + 40) == .ok)
        let events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callHangup INCOMING state=4 cause=8",
                                                 "alice callHangup OUTGOING state=4 cause=8",
                                                 "bob callConnect INCOMING state=3", "alice stateChange ACW"])
        #expect(events[0].event.name == "callHangup" && Harness.lastCall([events[0]], for: "alice")?.uniqueid == held)
        let bobView = try #require(Harness.lastCall(events, for: "bob"))
        #expect(bobView.uniqueid == consult)
        #expect(bobView.caller_number == "602123456")
        #expect(bobView.caller_internal == false)
        #expect(bobView.number == "602123456")
        #expect(bobView.connected_username == "bob")
        #expect(board.snapshot(of: "alice", now: t0 + 40)?.call == nil)
        let alice = Harness.user(board, "alice", now: t0 + 40)
        #expect(alice.transferred == 1)
        #expect(alice.transferred_external == 0)
        #expect(alice.queues[100]?.transferred == 1)
        #expect(alice.in_talktime == 28)
        #expect(alice.out_talktime == 15)
        #expect(alice.talktime == 43)

        // The caller hangs up, addressed by the original uniqueid.
        let ended = try board.remoteHangup(uniqueid: held, now: t0 + 55)
        #expect(ended.uniqueid == consult)
        #expect(Harness.lines(board) == ["bob callHangup INCOMING state=4 cause=3"])
        #expect(Harness.user(board, "bob", now: t0 + 55).in_talktime == 30)
        #expect(board.calls.isEmpty)
    }

    @Test func transferModeThenDialAnExternalConsultee() throws {
        let (board, _) = try answeredQueueCall(acwSeconds: 0)
        #expect(try board.execute(.transfer(number: nil), for: "alice", now: t0 + 20) == .ok)
        #expect(Harness.lines(board) == ["alice callHold INCOMING state=5"])
        let consult = try #require(Harness.uniqueid(try board.execute(.dial(DialParams(number: "+420777000111")), for: "alice", now: t0 + 21)))
        #expect(Harness.lines(board) == ["alice callNew OUTGOING state=1", "alice callRinging OUTGOING state=2"])
        _ = try board.remoteAnswer(uniqueid: consult, now: t0 + 25)
        _ = try board.execute(.finishTransfer, for: "alice", now: t0 + 30)
        #expect(Harness.lines(board) == ["alice callConnect OUTGOING state=3", "alice callHangup INCOMING state=4 cause=8",
                                         "alice callHangup OUTGOING state=4 cause=8"])
        #expect(board.calls.isEmpty)   // both parties external: the call left the switchboard
        #expect(Harness.user(board, "alice", now: t0 + 30).transferred_external == 1)
        #expect(Harness.user(board, "alice", now: t0 + 30).queues[100]?.transferred_external == 1)
    }

    @Test func consultationHungUpLeavesTheHeldCall() throws {
        let (board, held) = try answeredQueueCall(acwSeconds: 5)
        _ = try board.execute(.transfer(number: "2002"), for: "alice", now: t0 + 20)
        _ = board.takeEvents()
        _ = try board.execute(.hangup, for: "alice", now: t0 + 22)
        #expect(Harness.lines(board) == ["alice callHangup OUTGOING state=4 cause=3", "bob callHangup INCOMING state=4 cause=3"])
        #expect(board.snapshot(of: "alice", now: t0 + 22)?.call?.uniqueid == held)
        #expect(board.snapshot(of: "alice", now: t0 + 22)?.call?.state == .hold)
        _ = try board.execute(.unhold, for: "alice", now: t0 + 23)
        #expect(Harness.lines(board) == ["alice callResume INCOMING state=3"])
    }

    @Test func blindTransferToAnAgent() throws {
        let (board, call) = try answeredQueueCall()
        #expect(Harness.code { _ = try board.execute(.blindTransfer(number: "2004"), for: "alice", now: t0 + 20) } == "agentUnavailable")
        #expect(Harness.code { _ = try board.execute(.blindTransfer(number: "2001"), for: "alice", now: t0 + 20) } == "agentUnavailable")
        #expect(try board.execute(.blindTransfer(number: "2002"), for: "alice", now: t0 + 20) == .ok)
        let events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callHangup INCOMING state=4 cause=8",
                                                 "bob callNew INCOMING state=0", "bob callRinging INCOMING state=2",
                                                 "alice stateChange ACW"])
        let bobView = try #require(Harness.lastCall(events, for: "bob"))
        #expect(bobView.uniqueid == call)
        #expect(bobView.caller_number == "602123456")
        #expect(bobView.called_number == "2002")
        #expect(bobView.connected == nil)
        _ = try board.execute(.answer, for: "bob", now: t0 + 23)
        #expect(Harness.lines(board) == ["bob callConnect INCOMING state=3"])
        #expect(Harness.user(board, "alice", now: t0 + 23).transferred == 1)
        #expect(Harness.user(board, "alice", now: t0 + 23).in_talktime == 8)
        #expect(Harness.user(board, "bob", now: t0 + 23).in_calls_answered == 1)
    }

    @Test func blindTransferToAnExternalNumber() throws {
        let (board, _) = try answeredQueueCall(acwSeconds: 0)
        #expect(Harness.code { _ = try board.execute(.blindTransfer(number: "abc"), for: "alice", now: t0 + 20) } == "invalidNumber")
        _ = try board.execute(.blindTransfer(number: "+420 777 000 222"), for: "alice", now: t0 + 20)
        #expect(Harness.lines(board) == ["alice callHangup INCOMING state=4 cause=8"])
        #expect(board.calls.isEmpty)
        #expect(Harness.user(board, "alice", now: t0 + 20).transferred_external == 1)
    }
}
