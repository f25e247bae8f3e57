import AgentProtocol
import JSON
import Testing
@testable import Switchboard

@Suite struct CallTests {
    let t0 = Harness.t0

    @Test func outboundCallRemoteAnswerAndHangup() throws {
        let board = Harness.board(acwSeconds: 5)
        try Harness.ready(board, "alice")
        let reply = try board.execute(.dial(DialParams(number: "+420 777 123 456", queue: .id(300), data: ["crm": .string("42")])),
                                      for: "alice", now: t0 + 10)
        let uniqueid = try #require(Harness.uniqueid(reply))
        #expect(uniqueid == "\(board.namer.instance)-1700000010.1")
        var events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callNew OUTGOING state=1", "alice callRinging OUTGOING state=2"])
        let call = try #require(Harness.lastCall(events, for: "alice"))
        #expect(call.caller_username == "alice")
        #expect(call.caller_number == "2001")
        #expect(call.caller_extension == "2001")
        #expect(call.caller_internal)
        #expect(call.caller_number_norm == nil)
        #expect(call.caller_channel == "SIP/2001")
        #expect(call.called_number == "+420 777 123 456")
        #expect(call.called_number_norm == "+420777123456")
        #expect(call.connected_number == "+420 777 123 456")
        #expect(call.connected_number_norm == "+420777123456")
        #expect(call.connected_type == .trunk)
        #expect(call.connected_internal == false)
        #expect(call.number == "+420 777 123 456")
        #expect(call.outbound_id == 300)
        #expect(call.data == ["crm": .string("42")])

        #expect(Harness.code { _ = try board.execute(.dial(DialParams(number: "602111222")), for: "alice", now: t0 + 11) } == "callInProgress")
        #expect(Harness.code { _ = try board.remoteAnswer(uniqueid: "nope", now: t0 + 11) } == "unknownCall")
        let answered = try board.remoteAnswer(uniqueid: uniqueid, now: t0 + 15)
        #expect(answered.state == .connected)
        #expect(Harness.code { _ = try board.remoteAnswer(uniqueid: uniqueid, now: t0 + 16) } == "notRinging")
        let ended = try board.remoteHangup(uniqueid: uniqueid, now: t0 + 75)
        #expect(ended.cause == .calledHungUp)
        events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callConnect OUTGOING state=3",
                                                 "alice callHangup OUTGOING state=4 cause=4", "alice stateChange ACW"])
        #expect(Harness.lastCall(events, for: "alice")?.connected == t0 + 15)
        let user = Harness.user(board, "alice", now: t0 + 75)
        #expect(user.out_calls_answered == 1)
        #expect(user.out_ringtime == 5)
        #expect(user.out_talktime == 60)
        #expect(user.talktime == 60)
        #expect(user.in_calls_answered == 0)
        #expect(user.queues[300]?.answered == 1)
        #expect(user.queues[300]?.talktime == 60)
        #expect(user.queues[100]?.talktime == 0)
    }

    @Test func dialRefusals() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", "carol")
        func dial(_ number: String, _ queue: DialQueue = .undefined, as user: String = "alice") -> String? {
            Harness.code { _ = try board.execute(.dial(DialParams(number: number, queue: queue)), for: user, now: t0) }
        }
        #expect(dial("0800 CALL ME") == "invalidNumber")
        #expect(dial("---") == "invalidNumber")
        #expect(dial("602+123") == "invalidNumber")
        #expect(dial("602123456", .id(999)) == "unknownQueue")
        #expect(dial("602123456", .id(100)) == "notOutgoingQueue")
        #expect(dial("602123456", .id(300), as: "carol") == "notQueueMember")
        #expect(board.takeEvents().isEmpty)
        #expect(Harness.code { _ = try board.placeInboundCall(from: "anonymous", to: .queue(100), now: t0) } == "invalidNumber")
        #expect(Harness.code { _ = try board.placeInboundCall(from: "602123456", to: .queue(300), now: t0) } == "notIncomingQueue")
        #expect(Harness.code { _ = try board.placeInboundCall(from: "602123456", to: .queue(7), now: t0) } == "unknownQueue")
        #expect(Harness.code { _ = try board.placeInboundCall(from: "602123456", to: .extension(5555), now: t0) } == "unknownExtension")
        #expect(Harness.code { _ = try board.placeInboundCall(from: "602123456", to: .user("eve"), now: t0) } == "unknownUser")
    }

    @Test func externalAnswerAfterSeconds() throws {
        let board = Harness.board(externalAnswerSeconds: 3)
        try Harness.ready(board, "alice")
        _ = try board.execute(.dial(DialParams(number: "602123456")), for: "alice", now: t0)
        _ = board.takeEvents()
        board.tick(now: t0 + 2)
        #expect(board.takeEvents().isEmpty)
        board.tick(now: t0 + 3)
        #expect(Harness.lines(board) == ["alice callConnect OUTGOING state=3"])
    }

    @Test func unansweredOutboundCall() throws {
        let board = Harness.board(acwSeconds: 5)
        try Harness.ready(board, "alice")
        let id = try #require(Harness.uniqueid(try board.execute(.dial(DialParams(number: "602123456")), for: "alice", now: t0)))
        _ = board.takeEvents()
        _ = try board.execute(.hangup, for: "alice", now: t0 + 8)
        #expect(Harness.lines(board) == ["alice callHangup OUTGOING state=4 cause=3"])   // no ACW without talk
        let user = Harness.user(board, "alice", now: t0 + 8)
        #expect(user.out_calls_unanswered == 1)
        #expect(user.out_ringtime == 8)
        #expect(Harness.code { _ = try board.remoteHangup(uniqueid: id, now: t0 + 9) } == "unknownCall")
    }

    @Test func internalCallBetweenAgents() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", "bob", "carol")
        let id = try #require(Harness.uniqueid(try board.execute(.dial(DialParams(number: "2002")), for: "alice", now: t0 + 1)))
        var events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callNew OUTGOING state=1", "bob callNew INCOMING state=0",
                                                 "alice callRinging OUTGOING state=2", "bob callRinging INCOMING state=2"])
        let bobView = try #require(Harness.lastCall(events, for: "bob"))
        #expect(bobView.uniqueid == id)
        #expect(bobView.number == "2001")
        #expect(bobView.name == "Alena Nováková")
        #expect(bobView.caller_internal)
        #expect(bobView.caller_type == .line)
        #expect(bobView.called_number == "2002")
        #expect(bobView.called_number_norm == nil)
        #expect(bobView.called_name == "Bohumil Dvořák")
        #expect(bobView.connected_username == "bob")
        let aliceView = try #require(Harness.lastCall(events, for: "alice"))
        #expect(aliceView.number == "2002")
        #expect(aliceView.name == "Bohumil Dvořák")

        // Busy, unavailable, oneself.
        _ = try board.execute(.dial(DialParams(number: "2001")), for: "carol", now: t0 + 2)
        #expect(Harness.lines(board) == ["carol callNew OUTGOING state=1", "carol callHangup OUTGOING state=4 cause=1"])
        _ = try board.execute(.dial(DialParams(number: "2004")), for: "carol", now: t0 + 2)
        #expect(Harness.lines(board) == ["carol callNew OUTGOING state=1", "carol callHangup OUTGOING state=4 cause=6"])
        _ = try board.execute(.dial(DialParams(number: "2003")), for: "carol", now: t0 + 2)
        #expect(Harness.lines(board) == ["carol callNew OUTGOING state=1", "carol callHangup OUTGOING state=4 cause=1"])

        _ = try board.execute(.answer, for: "bob", now: t0 + 4)
        _ = try board.execute(.mute, for: "bob", now: t0 + 5)
        events = board.takeEvents()
        #expect(events.map(Harness.describe) == ["alice callConnect OUTGOING state=3", "bob callConnect INCOMING state=3",
                                                 "alice callMute OUTGOING state=3", "bob callMute INCOMING state=3"])
        #expect(Harness.lastCall(events, for: "alice")?.connected_muted == true)
        _ = try board.execute(.hangup, for: "bob", now: t0 + 34)
        #expect(Harness.lines(board) == ["alice callHangup OUTGOING state=4 cause=4", "bob callHangup INCOMING state=4 cause=4"])
        #expect(Harness.user(board, "alice", now: t0 + 34).out_talktime == 30)
        #expect(Harness.user(board, "bob", now: t0 + 34).in_talktime == 30)
        #expect(Harness.user(board, "bob", now: t0 + 34).in_ringtime == 3)

        // A direct inbound call to an extension, and to a busy agent.
        let direct = try board.placeInboundCall(from: "602123456", to: .extension(2003), now: t0 + 40)
        #expect(direct.connected_username == "carol")
        #expect(Harness.lines(board) == ["carol callNew INCOMING state=0", "carol callRinging INCOMING state=2"])
        let busy = try board.placeInboundCall(from: "602123457", to: .user("carol"), now: t0 + 41)
        #expect(busy.state == .hangup)
        #expect(busy.cause == .busy)
        let nobody = try board.placeInboundCall(from: "602123457", to: .extension(2004), now: t0 + 41)
        #expect(nobody.cause == .unavailable)
        #expect(board.takeEvents().isEmpty)
        board.tick(now: t0 + 60)
        #expect(Harness.lines(board) == ["carol callHangup INCOMING state=4 cause=6"])
    }

    @Test func accountCodes() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", "bob")
        let id = try #require(Harness.uniqueid(try board.execute(.dial(DialParams(number: "602123456", data: ["crm": .string("7")])), for: "alice", now: t0)))
        #expect(try board.execute(.setAccountCode(AccountCodeParams(uniqueid: id, accountCode: "PRODEJ")), for: "alice", now: t0) == .ok)
        // docs/compatibility.md §1.4: without override the code is added to the call's codes.
        #expect(try board.execute(.setAccountCode(AccountCodeParams(uniqueid: id, accountCode: "JINÉ")), for: "alice", now: t0) == .ok)
        #expect(Harness.code { _ = try board.execute(.setAccountCode(AccountCodeParams(uniqueid: id, accountCode: "X")), for: "bob", now: t0) } == "unknownCall")
        #expect(Harness.code { _ = try board.execute(.setAccountCode(AccountCodeParams(uniqueid: "1.1", accountCode: "X")), for: "alice", now: t0) } == "unknownCall")
        let prodej = JSONValue.object(["accountCode": .string("PRODEJ"), "subAccountCode": .null])
        let jine = JSONValue.object(["accountCode": .string("JINÉ"), "subAccountCode": .null])
        #expect(board.calls.first?.data == ["crm": .string("7"), "accountCodes": .array([prodej, jine]),
                                            "accountCode": .string("JINÉ"), "subAccountCode": .null])
        _ = try board.remoteAnswer(uniqueid: id, now: t0 + 1)
        #expect(Harness.lastCall(board.takeEvents(), for: "alice")?.data["accountCodes"] == .array([prodej, jine]))
        _ = try board.execute(.hangup, for: "alice", now: t0 + 2)
        _ = board.takeEvents()
        // After the call, with override.
        #expect(try board.execute(.setAccountCode(AccountCodeParams(uniqueid: id, accountCode: "SERVIS", subAccountCode: "Záruka", override: true)),
                                  for: "alice", now: t0 + 3) == .ok)
        let servis = JSONValue.object(["accountCode": .string("SERVIS"), "subAccountCode": .string("Záruka")])
        #expect(board.ended[id]?.data == ["crm": .string("7"), "accountCodes": .array([servis]),
                                          "accountCode": .string("SERVIS"), "subAccountCode": .string("Záruka")])
        #expect(board.takeEvents().isEmpty)
    }
}
