import AgentProtocol
import Testing
@testable import Switchboard

@Suite struct HistoryTests {
    let t0 = Harness.t0

    /// Three ended calls of alice: an answered inbound queue call, an outbound dial the far end
    /// never answered, and an inbound call answered after a transfer-free ring.
    private func aliceWithHistory() throws -> Switchboard {
        let board = Harness.board()
        try Harness.ready(board, "alice")
        let first = try board.placeInboundCall(from: "602 123 456", to: .queue(100), now: t0)
        _ = try board.execute(.answer, for: "alice", now: t0 + 2)
        _ = try board.remoteHangup(uniqueid: first.uniqueid, now: t0 + 30)
        _ = try board.execute(.dial(DialParams(number: "+420 777 000 111", queue: .directCall)), for: "alice", now: t0 + 40)
        _ = try board.execute(.hangup, for: "alice", now: t0 + 45)
        let third = try board.placeInboundCall(from: "+49 30 1234567", to: .queue(100), now: t0 + 50)
        _ = try board.execute(.answer, for: "alice", now: t0 + 51)
        _ = try board.execute(.setAccountCode(AccountCodeParams(uniqueid: third.uniqueid, accountCode: "Reklamace")), for: "alice", now: t0 + 52)
        _ = try board.execute(.hangup, for: "alice", now: t0 + 60)
        _ = board.takeEvents()
        return board
    }

    @Test func newestFirstAsTheAgentSawThem() throws {
        let board = try aliceWithHistory()
        let page = board.callHistory(of: "alice", CallHistoryQuery(), now: t0 + 100)
        #expect(page.total == 3)
        #expect(page.calls.map(\.number) == ["+49 30 1234567", "+420 777 000 111", "602 123 456"])
        #expect(page.calls.map(\.direction) == [.incoming, .outgoing, .incoming])
        #expect(page.calls.allSatisfy { $0.state == .hangup && $0.disconnected != nil })
        // The account code set during the call is in the history.
        #expect(page.calls[0].data["accountCodes"] != nil)
        // bob had no calls; an unknown user has none.
        #expect(board.callHistory(of: "bob", CallHistoryQuery(), now: t0).total == 0)
        #expect(board.callHistory(of: "nobody", CallHistoryQuery(), now: t0).total == 0)
    }

    @Test func filterDirectionAndLimit() throws {
        let board = try aliceWithHistory()
        func numbers(_ query: CallHistoryQuery) -> ([String], Int) {
            let page = board.callHistory(of: "alice", query, now: t0 + 100)
            return (page.calls.map(\.number), page.total)
        }
        #expect(numbers(CallHistoryQuery(direction: .outgoing)) == (["+420 777 000 111"], 1))
        // Digits match across separators and the +420 of the normalised number.
        #expect(numbers(CallHistoryQuery(filter: "602123")) == (["602 123 456"], 1))
        #expect(numbers(CallHistoryQuery(filter: "420602")) == (["602 123 456"], 1))
        #expect(numbers(CallHistoryQuery(filter: " 777-000 ")) == (["+420 777 000 111"], 1))
        // A limit cuts the page, not the total.
        #expect(numbers(CallHistoryQuery(limit: 2)) == (["+49 30 1234567", "+420 777 000 111"], 3))
        #expect(numbers(CallHistoryQuery(filter: "   ")).1 == 3)
        #expect(numbers(CallHistoryQuery(filter: "nothing like it")).1 == 0)
    }

    @Test func keepsHistoryCallsPerAgent() throws {
        var directory = Directory.sample
        directory.settings.historyCalls = 2
        directory.settings.acwSeconds = 0
        let board = Switchboard(directory: directory, randomBytes: Harness.randomBytes)
        try Harness.ready(board, "alice")
        for minute in 0..<3 {
            let now = t0 + Int64(minute * 60)
            let call = try board.placeInboundCall(from: "60212345\(minute)", to: .queue(100), now: now)
            _ = try board.execute(.answer, for: "alice", now: now + 1)
            _ = try board.remoteHangup(uniqueid: call.uniqueid, now: now + 10)
        }
        let page = board.callHistory(of: "alice", CallHistoryQuery(), now: t0 + 300)
        #expect(page.calls.map(\.number) == ["602123452", "602123451"])
    }

    @Test func servedThroughExecuteToSignedInAgents() throws {
        let board = try aliceWithHistory()
        let reply = try board.execute(.callHistory(CallHistoryQuery(direction: .incoming, limit: 1)), for: "alice", now: t0 + 100)
        guard case .callHistory(let calls, let total) = reply else {
            Issue.record("not a callHistory reply: \(reply)")
            return
        }
        #expect(calls.map(\.number) == ["+49 30 1234567"])
        #expect(total == 2)
    }
}
