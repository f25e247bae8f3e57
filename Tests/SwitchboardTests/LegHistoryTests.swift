import AgentProtocol
import CallControlMessages
import Testing
@testable import Switchboard

/// Each agent's `callHistory` entry for a call is that agent's own leg (docs/agent-protocol.md
/// §4.1): for a direct call, a queue call that rang another agent first, a blind and a
/// consultative transfer, both agents' entries field by field, and each equal to the last
/// `callHangup` that agent received (but for `now`).
@Suite struct LegHistoryTests {
    let t0 = Harness.t0
    static let customer = "602123456"

    /// The fields that tell whose leg an entry is.
    struct Leg: Equatable, CustomStringConvertible {
        var uniqueid: String
        var direction: CallDirection
        var number: String
        var name: String?
        var state: CallState
        var cause: HangupCause
        var created: Int64
        var connected: Int64?
        var disconnected: Int64?
        var caller_number: String
        var caller_username: String?
        var connected_number: String?
        var connected_username: String?

        init(_ call: Call) {
            uniqueid = call.uniqueid
            direction = call.direction
            number = call.number
            name = call.name
            state = call.state
            cause = call.cause
            created = call.created
            connected = call.connected
            disconnected = call.disconnected
            caller_number = call.caller_number
            caller_username = call.caller_username
            connected_number = call.connected_number
            connected_username = call.connected_username
        }

        init(_ uniqueid: String, _ direction: CallDirection, number: String, name: String?, cause: HangupCause,
             created: Int64, connected: Int64?, disconnected: Int64, caller: (String, String?), callee: (String?, String?)) {
            self.uniqueid = uniqueid
            self.direction = direction
            self.number = number
            self.name = name
            state = .hangup
            self.cause = cause
            self.created = created
            self.connected = connected
            self.disconnected = disconnected
            (caller_number, caller_username) = caller
            (connected_number, connected_username) = callee
        }

        var description: String {
            "\(direction.rawValue) \(number) cause=\(cause.rawValue) \(created)/\(connected.map(String.init) ?? "-")/\(disconnected.map(String.init) ?? "-") "
                + "caller=\(caller_number)(\(caller_username ?? "-")) callee=\(connected_number ?? "-")(\(connected_username ?? "-"))"
        }
    }

    /// Collects every event, so that each agent's last `callHangup` per call can be compared.
    final class Recorder {
        var events: [AddressedEvent] = []
        func take(_ board: Switchboard) { events += board.takeEvents() }

        /// The last `callHangup` `user` received for `uniqueid`.
        func hangup(_ user: String, _ uniqueid: String) -> Call? {
            for event in events.reversed() where event.user == user {
                if case .callHangup(let call) = event.event, call.uniqueid == uniqueid { return call }
            }
            return nil
        }
    }

    func history(_ board: Switchboard, _ user: String, now: Int64) -> [Call] {
        board.callHistory(of: user, CallHistoryQuery(), now: now).calls
    }

    /// The entries equal the calls of the agent's `callHangup` events, `now` aside.
    func expectSameAsHangups(_ calls: [Call], _ user: String, _ recorder: Recorder, sourceLocation: SourceLocation = #_sourceLocation) {
        for call in calls {
            guard var seen = recorder.hangup(user, call.uniqueid) else {
                Issue.record("\(user) got no callHangup for \(call.uniqueid)", sourceLocation: sourceLocation)
                continue
            }
            seen.now = call.now
            #expect(call == seen, "\(user)'s entry is not the call they last saw", sourceLocation: sourceLocation)
        }
    }

    @Test func directCallBetweenAgents() throws {
        let board = Harness.board()
        try Harness.ready(board, "alice", "bob")
        let recorder = Recorder()
        let id = try #require(Harness.uniqueid(try board.execute(.dial(DialParams(number: "2002")), for: "alice", now: t0)))
        _ = try board.execute(.answer, for: "bob", now: t0 + 5)
        _ = try board.execute(.hangup, for: "bob", now: t0 + 30)
        recorder.take(board)
        let alice = history(board, "alice", now: t0 + 60), bob = history(board, "bob", now: t0 + 60)
        #expect(alice.map(Leg.init) == [Leg(id, .outgoing, number: "2002", name: "Bohumil Dvořák", cause: .calledHungUp, created: t0,
                                            connected: t0 + 5, disconnected: t0 + 30, caller: ("2001", "alice"), callee: ("2002", "bob"))])
        #expect(bob.map(Leg.init) == [Leg(id, .incoming, number: "2001", name: "Alena Nováková", cause: .calledHungUp, created: t0,
                                          connected: t0 + 5, disconnected: t0 + 30, caller: ("2001", "alice"), callee: ("2002", "bob"))])
        #expect(alice[0].now == t0 + 60)
        expectSameAsHangups(alice, "alice", recorder)
        expectSameAsHangups(bob, "bob", recorder)
    }

    /// The queue rings bob first; he declines; alice takes it; the customer hangs up. bob's entry
    /// is his declined ring, not alice's conversation.
    @Test func queueCallDeclinedByOneAgentAndTakenByAnother() throws {
        let board = Harness.board()
        try Harness.ready(board, "bob")
        try Harness.ready(board, "alice", now: t0 + 1)   // idle for less long: bob is offered first
        let recorder = Recorder()
        let id = try board.placeInboundCall(from: Self.customer, to: .queue(100), now: t0 + 10).uniqueid
        #expect(board.snapshot(of: "bob", now: t0 + 10)?.call?.uniqueid == id)
        _ = try board.execute(.hangup, for: "bob", now: t0 + 14)
        _ = try board.execute(.answer, for: "alice", now: t0 + 16)
        _ = try board.remoteHangup(uniqueid: id, now: t0 + 50)
        recorder.take(board)
        let alice = history(board, "alice", now: t0 + 60), bob = history(board, "bob", now: t0 + 60)
        #expect(bob.map(Leg.init) == [Leg(id, .incoming, number: Self.customer, name: nil, cause: .rejected, created: t0 + 10,
                                          connected: nil, disconnected: t0 + 14, caller: (Self.customer, nil), callee: ("2002", "bob"))])
        #expect(alice.map(Leg.init) == [Leg(id, .incoming, number: Self.customer, name: nil, cause: .callerHungUp, created: t0 + 10,
                                            connected: t0 + 16, disconnected: t0 + 50, caller: (Self.customer, nil), callee: ("2001", "alice"))])
        expectSameAsHangups(alice, "alice", recorder)
        expectSameAsHangups(bob, "bob", recorder)
    }

    /// alice takes a queue call at t0+12; bob and carol are READY in AUX (the queue skips them,
    /// direct calls ring them).
    func aliceOnAQueueCall() throws -> (Switchboard, String, Recorder) {
        let board = Harness.board()
        try Harness.ready(board, "alice", "bob", "carol")
        _ = try board.execute(.changeStatus(status: .aux, reason: "Porada"), for: "bob", now: t0)
        _ = try board.execute(.changeStatus(status: .aux, reason: "Porada"), for: "carol", now: t0)
        let id = try board.placeInboundCall(from: Self.customer, to: .queue(100), now: t0 + 10).uniqueid
        _ = try board.execute(.answer, for: "alice", now: t0 + 12)
        let recorder = Recorder()
        recorder.take(board)
        return (board, id, recorder)
    }

    /// The issue's case: after alice blind-transfers to carol, alice's entry keeps her own leg
    /// (cause 8 at the moment she let go, the customer as the other party), not carol's.
    @Test func blindTransfer() throws {
        let (board, id, recorder) = try aliceOnAQueueCall()
        let guid = try #require(board.snapshot(of: "alice", now: t0 + 12)?.call?.call_guid)
        _ = try board.execute(.blindTransfer(number: "2003"), for: "alice", now: t0 + 20)
        // While the call goes on with carol, it is in alice's history already, and she may code it.
        #expect(history(board, "alice", now: t0 + 21).map(\.uniqueid) == [id])
        _ = try board.execute(.setAccountCode(AccountCodeParams(uniqueid: id, accountCode: "Reklamace")), for: "alice", now: t0 + 21)
        _ = try board.execute(.answer, for: "carol", now: t0 + 23)
        _ = try board.remoteHangup(uniqueid: id, now: t0 + 60)
        recorder.take(board)
        let alice = history(board, "alice", now: t0 + 70), carol = history(board, "carol", now: t0 + 70)
        #expect(alice.map(Leg.init) == [Leg(id, .incoming, number: Self.customer, name: nil, cause: .transfer, created: t0 + 10,
                                            connected: t0 + 12, disconnected: t0 + 20, caller: (Self.customer, nil), callee: ("2001", "alice"))])
        #expect(carol.map(Leg.init) == [Leg(id, .incoming, number: Self.customer, name: nil, cause: .callerHungUp, created: t0 + 10,
                                            connected: t0 + 23, disconnected: t0 + 60, caller: (Self.customer, nil), callee: ("2003", "carol"))])
        // One call, one GUID, on both legs.
        #expect(alice[0].call_guid == guid && carol[0].call_guid == guid)
        // The account code is the call's: in both entries.
        #expect(alice[0].data["accountCode"] == .string("Reklamace") && carol[0].data["accountCode"] == .string("Reklamace"))
        // alice's callHangup came before the code; carol's after, and it carries it.
        expectSameAsHangups(alice.map { var call = $0; for key in Switchboard.accountCodeKeys { call.data[key] = nil }; return call },
                            "alice", recorder)
        expectSameAsHangups(carol, "carol", recorder)
        #expect(bobHasNoHistory(board))
    }

    /// After a consultative transfer alice has two entries: the held customer call (incoming)
    /// and her consultation with carol (outgoing), both ended by the transfer; carol's one entry
    /// is the consultation that became the customer's call.
    @Test func consultativeTransfer() throws {
        let (board, held, recorder) = try aliceOnAQueueCall()
        let consult = try #require(Harness.uniqueid(try board.execute(.transfer(number: "2003"), for: "alice", now: t0 + 20)))
        _ = try board.execute(.answer, for: "carol", now: t0 + 25)
        _ = try board.execute(.finishTransfer, for: "alice", now: t0 + 40)
        _ = try board.remoteHangup(uniqueid: held, now: t0 + 90)
        recorder.take(board)
        let alice = history(board, "alice", now: t0 + 100), carol = history(board, "carol", now: t0 + 100)
        #expect(alice.map(Leg.init) == [
            Leg(consult, .outgoing, number: "2003", name: "Karolína Svobodová", cause: .transfer, created: t0 + 20,
                connected: t0 + 25, disconnected: t0 + 40, caller: ("2001", "alice"), callee: ("2003", "carol")),
            Leg(held, .incoming, number: Self.customer, name: nil, cause: .transfer, created: t0 + 10,
                connected: t0 + 12, disconnected: t0 + 40, caller: (Self.customer, nil), callee: ("2001", "alice")),
        ])
        #expect(carol.map(Leg.init) == [Leg(consult, .incoming, number: Self.customer, name: nil, cause: .callerHungUp, created: t0 + 20,
                                            connected: t0 + 25, disconnected: t0 + 90, caller: (Self.customer, nil), callee: ("2003", "carol"))])
        expectSameAsHangups(alice, "alice", recorder)
        expectSameAsHangups(carol, "carol", recorder)
        #expect(alice[0].call_guid != alice[1].call_guid)
        #expect(bobHasNoHistory(board))
    }

    func bobHasNoHistory(_ board: Switchboard) -> Bool {
        board.callHistory(of: "bob", CallHistoryQuery(), now: t0).total == 0
    }
}
