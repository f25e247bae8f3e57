import Testing
@testable import AgentDelivery
import AgentProtocol
import AuthSchemes

/// `attach` (docs/agent-protocol.md §4): the missed events after `lastSeq` with their numbers, or
/// a fresh state when some left the window; a refused token; a user signed out meanwhile.
@Suite struct AttachTests {
    /// alice READY on tab 1 with events 1–3; tab 2 comes back having seen 1.
    static func aliceWithThreeEvents(_ configure: (inout DeliverySettings) -> Void = { _ in }) -> (EngineHarness, TabID) {
        var engine = EngineHarness(configure)
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        _ = engine.emit("alice", .waitingCallersChange(waitingCallers: 1), .waitingCallersChange(waitingCallers: 2),
                        .waitingCallersChange(waitingCallers: 3))
        let returning = engine.open(2)
        return (engine, returning)
    }

    static func attach(_ engine: inout EngineHarness, _ tab: TabID, lastSeq: UInt64, expires: Int64 = 1_700_003_600) -> [DeliveryAction] {
        let asked = engine.request(tab, .attach(lastSeq: lastSeq, token: "v1.token", tab: nil))
        guard let ticket = asked.verifyTicket else {
            Issue.record("no token check in \(asked)")
            return asked
        }
        return engine.handle(.credentialChecked(ticket, .success(VerifiedCredential(
            identity: Identity(user: "alice", provider: "password", address: "10.0.0.1", expires: expires)))))
    }

    /// The hub's tick drops events past `replayAgeSeconds` from a window that gets no new ones:
    /// a user whose tabs all went quiet does not pin their last events (bench/soak.sh's "memory
    /// returned"). The numbering goes on, and an attach answers as it did before the drop.
    @Test func theTickDropsEventsPastTheReplayAgeWithoutNewOnes() {
        var (engine, tab) = Self.aliceWithThreeEvents { $0.replayAgeSeconds = 60; $0.detachedLogoutSeconds = 600 }
        engine.advance(milliseconds: 60_000)
        _ = engine.handle(.tick)
        #expect(engine.engine.users["alice"]?.window.count == 3)
        engine.advance(milliseconds: 1)
        _ = engine.handle(.tick)
        #expect(engine.engine.users["alice"]?.window.count == 0)
        #expect(engine.engine.lastSeq(of: "alice") == 3)
        let actions = Self.attach(&engine, tab, lastSeq: 1)
        #expect(actions.replies.map(\.reply) == [.attached(id: .number("2"), state: .ready, lastSeq: 3, complete: false)])
    }

    @Test func completeReplaysTheMissedEventsAfterTheReply() {
        var (engine, tab) = Self.aliceWithThreeEvents()
        let actions = Self.attach(&engine, tab, lastSeq: 1)
        #expect(actions.replies.map(\.reply) == [.attached(id: .number("2"), state: .ready, lastSeq: 3, complete: true)])
        #expect(actions.contains(.authenticated(tab, until: 1_700_003_600)))
        let replayed = actions.sent.filter { $0.tabs == [tab] && $0.event == "waitingCallersChange" }
        #expect(replayed.map(\.seq) == [2, 3])
        let reply = actions.firstIndex { if case .reply = $0 { true } else { false } }!
        let firstReplay = actions.firstIndex { if case .send(_, [tab]) = $0 { true } else { false } }!
        #expect(reply < firstReplay)
        #expect(actions.counted == ["attached"])
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 0)).sent.first?.tabs == [TabID(1), tab])
    }

    @Test func upToDateAttachReplaysNothing() {
        var (engine, tab) = Self.aliceWithThreeEvents()
        let actions = Self.attach(&engine, tab, lastSeq: 3)
        #expect(actions.replies.map(\.reply) == [.attached(id: .number("2"), state: .ready, lastSeq: 3, complete: true)])
        #expect(actions.sent.map(\.event) == ["primary", "primary"])
    }

    /// Beyond the window (two events kept of three), or ahead of it (a counter from before a
    /// restart): `complete: false`, then a fresh `ready` from the back end's state object.
    @Test func incompleteGivesAFreshReadyWithTheLastSeq() {
        for (lastSeq, capacity) in [(0 as UInt64, 2), (7, 1_000)] {
            var (engine, tab) = Self.aliceWithThreeEvents { $0.replayEvents = capacity }
            let actions = Self.attach(&engine, tab, lastSeq: lastSeq)
            #expect(actions.replies.map(\.reply) == [.attached(id: .number("2"), state: .ready, lastSeq: 3, complete: false)])
            #expect(actions.counted == ["attach_incomplete"])
            #expect(actions.callControl.map(\.request) == [.snapshot(user: "alice")])
            let fresh = engine.answer(actions, .snapshot(EngineHarness.snapshot("alice")))
            #expect(fresh.events(to: tab) == ["ready", "primary"])
            guard case .object(let data) = fresh.sent[0].data, case .object(let state)? = data["state"] else {
                Issue.record("no state in \(fresh)")
                continue
            }
            #expect(state["lastSeq"] == .integer(3))
        }
    }

    /// The replay window is bounded in bytes too: three events of which one alone passes the
    /// bound leave too little for a tab that saw none.
    @Test func theWindowsByteBoundMakesAnAttachIncomplete() {
        var engine = EngineHarness { $0.replayBytes = 2_048 }
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        let big = AgentMessage(message: String(repeating: "x", count: 1_500), type: .info, group: nil, data: nil)
        _ = engine.emit("alice", .message(big), .message(big))
        #expect(engine.engine.users["alice"]?.window.count == 1)
        let tab2 = engine.open(2)
        let actions = Self.attach(&engine, tab2, lastSeq: 0)
        #expect(actions.counted == ["attach_incomplete"])
    }

    @Test func aRefusedTokenIsLoginError7() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        let asked = engine.request(tab, .attach(lastSeq: 0, token: "v1.forged", tab: nil))
        let refused = engine.handle(.credentialChecked(asked.verifyTicket!, .failure(.badSignature)))
        #expect(refused.sent.map(\.data) == [.object(["code": .integer(7), "message": .string("session expired; log in again")])])
        // Without a token, the upgrade's credential counts; there was none.
        let bare = engine.request(tab, .attach(lastSeq: 0, token: nil, tab: nil))
        #expect(bare.sent.map(\.event) == ["loginError"] && bare.callControl.isEmpty)
    }

    /// Signed out since (no tab for too long): the user is signed in afresh, `complete: false`,
    /// then `user` and `identify` as after a login.
    @Test func aUserSignedOutMeanwhileIsSignedInAfresh() {
        var engine = EngineHarness()
        let tab = engine.open(1, identity: Identity(user: "alice", provider: "password", address: "10.0.0.1", expires: 1_700_000_900))
        let asked = engine.request(tab, .attach(lastSeq: 12, token: nil, tab: "A"))
        #expect(asked.callControl.map(\.request) == [.signIn(user: "alice", identifiers: ["web-1", "10.0.0.1"])])
        let actions = engine.answer(asked, .signedIn(EngineHarness.signIn("alice", state: .identify)))
        #expect(actions.replies.map(\.reply) == [.attached(id: .number("1"), state: .identify, lastSeq: 0, complete: false)])
        #expect(actions.events(to: tab) == ["user", "identify", "identifier", "primary"])
        #expect(actions.contains(.authenticated(tab, until: 1_700_000_900)))
        #expect(engine.engine.tabs[tab]?.browserTab == "A")
    }
}
