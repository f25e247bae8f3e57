import Testing
@testable import Switchboard

@Suite struct QueueCallTests {
    let t0 = Harness.t0

    @Test func inboundQueueCallFromRingToACW() throws {
        let board = Harness.board(acwSeconds: 5)
        try Harness.ready(board, "alice")
        let placed = try board.placeInboundCall(from: "602 123 456", to: .queue(100), now: t0 + 10)
        #expect(placed.uniqueid == "\(board.namer.instance)-1700000010.1")
        #expect(placed.state == .ringing)
        var events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callNew INCOMING state=0", "alice callRinging INCOMING state=2"])
        let call = try #require(Harness.lastCall(events, for: "alice"))
        #expect(call.uniqueid == placed.uniqueid && call.call_guid == placed.call_guid)
        #expect(call.id == 1)
        #expect(call.caller_number == "602 123 456")
        #expect(call.caller_number_norm == "+420602123456")
        #expect(call.caller_internal == false)
        #expect(call.caller_type == .trunk)
        #expect(call.caller_username == nil)
        #expect(call.called_number == "800100100")
        #expect(call.called_number_norm == "+420800100100")
        #expect(call.called_name == "Podpora")
        #expect(call.connected_username == "alice")
        #expect(call.connected_user_id == 1)
        #expect(call.connected_number == "2001")
        #expect(call.connected_number_norm == nil)
        #expect(call.connected_internal)
        #expect(call.connected_type == .line)
        #expect(call.connected_name == "Alena Nováková")
        #expect(call.connected_line_id == 1)
        #expect(call.number == "602 123 456")
        #expect(call.direction == .incoming)
        #expect(call.cause == .notSet)
        #expect(call.created == t0 + 10)
        #expect(call.connected == nil)
        #expect(call.disconnected == nil)
        #expect(call.data == [:])
        #expect(call.subcalls == 1)
        #expect(board.snapshot(of: "alice", now: t0 + 11)?.call?.uniqueid == call.uniqueid)

        #expect(Harness.code { _ = try board.execute(.hold, for: "alice", now: t0 + 12) } == "notConnected")
        #expect(Harness.code { _ = try board.execute(.mute, for: "alice", now: t0 + 12) } == "notConnected")
        #expect(try board.execute(.answer, for: "alice", now: t0 + 14) == .ok)
        #expect(Harness.code { _ = try board.execute(.answer, for: "alice", now: t0 + 15) } == "notRinging")
        #expect(Harness.code { _ = try board.execute(.unhold, for: "alice", now: t0 + 15) } == "notOnHold")
        _ = try board.execute(.hold, for: "alice", now: t0 + 20)
        _ = try board.execute(.unhold, for: "alice", now: t0 + 25)
        _ = try board.execute(.mute, for: "alice", now: t0 + 30)
        events = board.takeEvents()
        #expect(Harness.lastCall(events, for: "alice")?.connected_muted == true)
        #expect(Harness.lastCall(events, for: "alice")?.caller_muted == false)
        _ = try board.execute(.mute, for: "alice", now: t0 + 31)
        _ = try board.execute(.hangup, for: "alice", now: t0 + 74)
        events += board.takeEvents()
        #expect(events.map(Harness.describe) == [
            "alice callConnect INCOMING state=3",
            "alice callHold INCOMING state=5",
            "alice callResume INCOMING state=3",
            "alice callMute INCOMING state=3",
            "alice callUnmute INCOMING state=3",
            "alice callHangup INCOMING state=4 cause=4",
            "alice stateChange ACW",
        ])
        let last = try #require(Harness.lastCall(events, for: "alice"))
        #expect(last.connected == t0 + 14)
        #expect(last.disconnected == t0 + 74)
        #expect(last.connected_muted == false)
        #expect(board.calls.isEmpty)
        #expect(Harness.code { _ = try board.execute(.hangup, for: "alice", now: t0 + 75) } == "noActiveCall")
        #expect(Harness.code { _ = try board.execute(.hold, for: "alice", now: t0 + 75) } == "noActiveCall")

        board.tick(now: t0 + 78)
        #expect(board.takeEvents().isEmpty)
        board.tick(now: t0 + 79)
        #expect(Harness.lines(board) == ["alice stateChange READY"])
        let user = Harness.user(board, "alice", now: t0 + 79)
        #expect(user.in_calls_answered == 1)
        #expect(user.in_calls_unanswered == 0)
        #expect(user.in_ringtime == 4)
        #expect(user.ringtime == 4)
        #expect(user.in_talktime == 60)
        #expect(user.talktime == 60)
        #expect(user.out_calls_answered == 0)
        #expect(user.readytime == 74)
        #expect(user.idletime == 10)
        #expect(user.acwtime == 5)
        #expect(user.status == .ready)
        let queue = try #require(user.queues[100])
        #expect(queue.answered == 1)
        #expect(queue.unanswered == 0)
        #expect(queue.ringtime == 4)
        #expect(queue.talktime == 60)
        #expect(user.queues[200]?.answered == 0)
    }

    @Test func priorityThenLongestIdle() throws {
        let board = Harness.board()
        try Harness.ready(board, "carol", now: t0)        // priority 2 in queue 100, idle longest
        try Harness.ready(board, "bob", now: t0 + 2)       // priority 1
        try Harness.ready(board, "alice", now: t0 + 1)     // priority 1, idle longer than bob
        _ = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        #expect(Harness.lines(board) == ["alice callNew INCOMING state=0", "alice callRinging INCOMING state=2"])
        _ = try board.placeInboundCall(from: "602123457", to: .queue(100), now: t0 + 11)
        _ = try board.placeInboundCall(from: "602123458", to: .queue(100), now: t0 + 12)
        #expect(Harness.lines(board) == ["bob callNew INCOMING state=0", "bob callRinging INCOMING state=2",
                                         "carol callNew INCOMING state=0", "carol callRinging INCOMING state=2"])
    }

    @Test func ringTimeoutGoesToTheNextAgentThenANewRound() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", now: t0)
        try Harness.ready(board, "bob", now: t0 + 1)
        let call = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        #expect(Harness.lines(board) == ["alice callNew INCOMING state=0", "alice callRinging INCOMING state=2"])
        board.tick(now: t0 + 29)
        #expect(board.takeEvents().isEmpty)
        board.tick(now: t0 + 30)
        #expect(Harness.lines(board) == ["alice callHangup INCOMING state=4 cause=6",
                                         "bob callNew INCOMING state=0", "bob callRinging INCOMING state=2"])
        board.tick(now: t0 + 50)
        // Everyone available was offered it: a new round, alice (idle since t0+30) first.
        #expect(Harness.lines(board) == ["bob callHangup INCOMING state=4 cause=6",
                                         "alice callNew INCOMING state=0", "alice callRinging INCOMING state=2"])
        _ = try board.execute(.answer, for: "alice", now: t0 + 52)
        #expect(Harness.lines(board) == ["alice callConnect INCOMING state=3"])
        #expect(board.calls.map(\.uniqueid) == [call.uniqueid])
        let alice = Harness.user(board, "alice", now: t0 + 52)
        #expect(alice.in_calls_unanswered == 1)
        #expect(alice.in_calls_answered == 1)
        #expect(alice.in_ringtime == 22)
        #expect(alice.queues[100]?.unanswered == 1)
        #expect(alice.queues[100]?.answered == 1)
        let bob = Harness.user(board, "bob", now: t0 + 52)
        #expect(bob.in_calls_unanswered == 1)
        #expect(bob.ringtime == 20)
        #expect(bob.queues[100]?.ringtime == 20)
    }

    @Test func rejectingAQueueCallOffersItToTheNextAgent() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", now: t0)
        try Harness.ready(board, "bob", now: t0 + 1)
        _ = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        _ = board.takeEvents()
        _ = try board.execute(.hangup, for: "alice", now: t0 + 12)
        #expect(Harness.lines(board) == ["alice callHangup INCOMING state=4 cause=5",
                                         "bob callNew INCOMING state=0", "bob callRinging INCOMING state=2"])
    }

    @Test func waitingCallers() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        _ = try board.execute(.changeStatus(status: .aux, reason: "Oběd"), for: "alice", now: t0)
        _ = try board.signIn("carol", identifiers: [], now: t0)     // signed in, not READY: still told
        _ = board.takeEvents()
        let first = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        #expect(Harness.lines(board) == ["alice waitingCallersChange 1", "carol waitingCallersChange 1"])
        let second = try board.placeInboundCall(from: "602123457", to: .queue(200), now: t0 + 11)
        #expect(Harness.lines(board) == ["alice waitingCallersChange 2", "carol waitingCallersChange 2"])
        #expect(board.snapshot(of: "alice", now: t0 + 12)?.waitingCallers == 2)
        #expect(board.calls.map(\.uniqueid) == [first.uniqueid, second.uniqueid])
        #expect(board.calls.first?.connected_username == nil)

        // READY again: the oldest waiting call rings.
        _ = try board.execute(.changeStatus(status: .ready, reason: nil), for: "alice", now: t0 + 20)
        let events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice stateChange READY", "alice callNew INCOMING state=0",
                                                 "alice callRinging INCOMING state=2",
                                                 "alice waitingCallersChange 1", "carol waitingCallersChange 1"])
        #expect(Harness.lastCall(events, for: "alice")?.uniqueid == first.uniqueid)

        // The second caller gives up.
        let gone = try board.remoteHangup(uniqueid: second.uniqueid, now: t0 + 30)
        #expect(gone.cause == .callerHungUp)
        #expect(gone.state == .hangup)
        #expect(Harness.lines(board) == ["alice waitingCallersChange 0", "carol waitingCallersChange 0"])
    }

    @Test func unreachableAgent() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", now: t0)
        try Harness.ready(board, "bob", now: t0 + 1)
        _ = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        _ = board.takeEvents()
        board.unreachable("alice", now: t0 + 13)
        #expect(Harness.lines(board) == ["alice callHangup INCOMING state=4 cause=6", "alice stateChange AUX unreachable",
                                         "bob callNew INCOMING state=0", "bob callRinging INCOMING state=2"])
        #expect(Harness.user(board, "alice", now: t0 + 13).in_calls_unanswered == 1)

        // A direct call ends.
        let direct = try board.placeInboundCall(from: "602999888", to: .user("alice"), now: t0 + 20)
        #expect(Harness.lines(board) == ["alice callNew INCOMING state=0", "alice callRinging INCOMING state=2"])
        board.unreachable("alice", now: t0 + 25)
        #expect(Harness.lines(board) == ["alice callHangup INCOMING state=4 cause=6"])
        #expect(!board.calls.contains { $0.uniqueid == direct.uniqueid })
    }

    @Test func signOutMidCall() throws {
        let board = Harness.board(acwSeconds: 5)
        try Harness.ready(board, "alice", now: t0)
        try Harness.ready(board, "bob", now: t0 + 1)
        _ = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 10)
        _ = board.takeEvents()
        // Ringing: the call goes to bob.
        board.signOut("alice", now: t0 + 12)
        #expect(Harness.lines(board) == ["alice stateChange OFFLINE", "alice callHangup INCOMING state=4 cause=6",
                                         "bob callNew INCOMING state=0", "bob callRinging INCOMING state=2"])
        _ = try board.execute(.answer, for: "bob", now: t0 + 13)
        _ = board.takeEvents()
        // Connected: the call ends as if bob hung up; no ACW, the status is OFFLINE.
        _ = try board.execute(.logout, for: "bob", now: t0 + 20)
        #expect(Harness.lines(board) == ["bob stateChange OFFLINE", "bob callHangup INCOMING state=4 cause=4"])
        #expect(board.calls.isEmpty)
        #expect(board.state(of: "bob") == .credentials)
        #expect(board.agents.map(\.status) == [.offline, .offline, .offline, .offline])
    }
}
