import Testing
@testable import AgentDelivery
import ClickToCall
import AgentProtocol
import CallControlMessages
import AuthSchemes

/// Delivery of the back end's events (docs/agent-protocol.md §4): per-user events numbered and
/// kept, session events unnumbered to every tab, the engine's view of each user kept from them.
@Suite struct DeliveryTests {
    @Test func perUserEventsAreNumberedFromOneAndKeptForAttach() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        let actions = engine.emit("alice", .callNew(EngineHarness.call("c1", state: .new)), .callRinging(EngineHarness.call("c1")),
                                  .callConnect(EngineHarness.call("c1", state: .connected)))
        #expect(actions.sent.map(\.event) == ["callNew", "callRinging", "callConnect"])
        #expect(actions.sent.map(\.seq) == [1, 2, 3])
        #expect(engine.engine.users["alice"]?.window.lastSeq == 3)
        #expect(engine.engine.users["alice"]?.window.count == 3)
    }

    /// A user without a tab (signed in, the tab gone) still has their events numbered and kept.
    @Test func eventsOfAUserWithoutTabsAreKeptForTheirReturn() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        _ = engine.handle(.tabClosed(tab))
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 4)).isEmpty)
        #expect(engine.engine.users["alice"]?.window.lastSeq == 1)
    }

    @Test func sessionEventsGoToEveryTabUnnumberedAndMoveTheUsersState() {
        var engine = EngineHarness()
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice", state: .identify)
        engine.logIn(second, "alice", state: .identify)
        let paired = engine.emit("alice", .device(["id": .string("web-alice"), "extension": .integer(2001)]))
        #expect(paired.sent.map(\.seq) == [nil] && paired.sent[0].tabs == [first, second])
        #expect(engine.engine.users["alice"]?.state == .device)
        _ = engine.emit("alice", .stateChange(status: .ready, reason: nil))
        let ready = engine.emit("alice", .ready(EngineHarness.snapshot("alice")))
        guard case .object(let data) = ready.sent[0].data, case .object(let state)? = data["state"] else {
            Issue.record("no state in \(ready)")
            return
        }
        #expect(state["lastSeq"] == .integer(1))
        #expect(engine.engine.users["alice"]?.state == .ready)
        // READY now: a dial goes to the back end.
        #expect(engine.request(first, .hangup).callControl.map(\.request) == [.execute(user: "alice", command: .hangup)])
        _ = engine.emit("alice", .identify(identificators: []))
        #expect(engine.engine.users["alice"]?.state == .identify)
    }

    @Test func aCommandIsRepliedWithTheBackEndsAnswerAndStateCarriesTheLastSeq() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        _ = engine.emit("alice", .waitingCallersChange(waitingCallers: 1), .waitingCallersChange(waitingCallers: 2))
        let asked = engine.request(tab, .state)
        let answered = engine.answer(asked, .executed(.state(EngineHarness.snapshot("alice"))))
        guard case .state(_, let snapshot) = answered.replies.first?.reply else {
            Issue.record("no state reply in \(answered)")
            return
        }
        #expect(snapshot.lastSeq == 2)
        let hangup = engine.request(tab, .hangup)
        let refused = engine.answer(hangup, .failed(CallControlError(code: "noActiveCall", text: "The agent has no call.", httpStatus: 409)))
        #expect(refused.replies.first?.reply == .error(AgentProtocolError(
            id: .number("3"), kind: .failed(code: "noActiveCall", text: "The agent has no call."))))
    }

    @Test func anAckAPingAndANotifyBeforeLoginAreTheEnginesOwn() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        let notified = engine.request(tab, .notify(NotifyParams(title: "Pozor", type: .warning)))
        #expect(notified.replies.map(\.reply) == [.ok(id: .number("1"))])
        #expect(notified.sent.map(\.event) == ["warning"])
        #expect(engine.request(tab, .ping) == [.reply(tab, .ok(id: .number("2")))])
        engine.logIn(tab, "alice")
        let acked = engine.request(tab, .ack(seq: 99))
        #expect(acked == [.reply(tab, .ok(id: .number("4")))])
    }

    /// A tab opened by a Vodia popup link may hang up only its own number's call: the engine's
    /// view of the user's calls says which that is (docs/agent-protocol.md §2.3).
    @Test func aRestrictedTabControlsOnlyItsNumbersCall() {
        var engine = EngineHarness()
        let bar = engine.open(1)
        engine.logIn(bar, "alice")
        let popup = engine.open(2)
        let asked = engine.request(popup, .attach(lastSeq: 0, token: "v1.popup", tab: nil))
        #expect(asked == [.verify(asked.verifyTicket!, .sessionToken("v1.popup"), address: "10.0.0.1")])
        _ = engine.handle(.credentialChecked(asked.verifyTicket!, .success(VerifiedCredential(
            identity: Identity(user: "alice", provider: "makecall:+420602123456", address: "10.0.0.1", expires: 1_700_000_600),
            restriction: VodiaSession(number: .external("+420602123456"))))))
        _ = engine.emit("alice", .callNew(EngineHarness.call("c1", .outgoing, state: .new, number: "+420777000111")))
        let refused = engine.request(popup, .hangup)
        #expect(refused.counted == ["restricted"] && refused.callControl.isEmpty)
        _ = engine.emit("alice", .callHangup(EngineHarness.call("c1", .outgoing, state: .hangup, number: "+420777000111")),
                        .callNew(EngineHarness.call("c2", .outgoing, state: .new, number: "+420602123456")))
        #expect(engine.request(popup, .hangup).callControl.map(\.request) == [.execute(user: "alice", command: .hangup)])
        #expect(engine.request(popup, .dial(DialParams(number: "777000111"))).counted == ["restricted"])
    }
}
