import AgentProtocol
import Testing
@testable import Switchboard

/// `setBusy` (docs/sip-edge.md §3): a call the Switchboard does not carry, the web phone's through
/// the SIP edge, keeps the agent from being offered calls; when it ends, waiting calls come.
@Suite struct BusyTests {
    let t0 = Harness.t0

    @Test func aBusyAgentIsOfferedNoQueueCallUntilFree() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        board.setBusy("alice", true, now: t0)
        #expect(board.takeEvents().isEmpty, "busy changes no status and emits nothing")
        #expect(board.agents.first { $0.username == "alice" }?.busy == true)
        let placed = try board.placeInboundCall(from: "602123456", to: .queue(100), now: t0 + 1)
        #expect(Harness.lines(board) == ["alice waitingCallersChange 1"])
        board.setBusy("alice", false, now: t0 + 2)
        #expect(Harness.lines(board) == ["alice callNew INCOMING state=0", "alice callRinging INCOMING state=2",
                                         "alice waitingCallersChange 0"])
        #expect(board.calls.map(\.uniqueid) == [placed.uniqueid])
        #expect(board.agents.first { $0.username == "alice" }?.busy == false)
    }

    @Test func aDirectCallToABusyAgentIsBusy() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", "bob")
        board.setBusy("bob", true, now: t0)
        let call = try board.placeInboundCall(from: "602123456", to: .user("bob"), now: t0 + 1)
        #expect(call.state == .hangup && call.cause == .busy)
        let dialled = try #require(Harness.uniqueid(board.execute(.dial(DialParams(number: "2002")), for: "alice", now: t0 + 2)))
        #expect(Harness.lastCall(board.takeEvents(), for: "alice")?.cause == .busy)
        #expect(!dialled.isEmpty)
    }

    @Test func theAdminListingShowsBusy() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        board.setBusy("alice", true, now: t0)
        let (status, body) = board.perform(.listAgents, now: t0)
        #expect(status == 200)
        #expect(String(decoding: body, as: UTF8.self).contains(#"{"username":"alice","state":"READY","status":"READY","reason":null,"call":null,"busy":true}"#))
    }
}
