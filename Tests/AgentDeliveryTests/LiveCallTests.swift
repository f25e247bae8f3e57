import Testing
@testable import AgentDelivery

/// `DeliveryEngine.hasLiveCall`: what a draining gateway asks of each tab (docs/deploy.md §5).
@Suite struct LiveCallTests {
    @Test func aTabHasALiveCallFromTheBackEndsFirstCallEventToItsHangup() {
        var engine = EngineHarness()
        let alice = engine.open(1), bob = engine.open(2), anonymous = engine.open(3)
        engine.logIn(alice, "alice")
        engine.logIn(bob, "bob")
        #expect(!engine.engine.hasLiveCall(alice))
        _ = engine.emit("alice", .callRinging(EngineHarness.call("c1")))
        #expect(engine.engine.hasLiveCall(alice))
        _ = engine.emit("alice", .callConnect(EngineHarness.call("c1", state: .connected)))
        #expect(engine.engine.hasLiveCall(alice))
        #expect(!engine.engine.hasLiveCall(bob), "another user's call")
        #expect(!engine.engine.hasLiveCall(anonymous), "a tab not signed in")
        _ = engine.emit("alice", .callHangup(EngineHarness.call("c1", state: .hangup)))
        #expect(!engine.engine.hasLiveCall(alice))
        #expect(!engine.engine.hasLiveCall(TabID(99)), "a tab the engine does not know")
    }

    @Test func aWebPhoneCallOfTheSIPEdgeIsALiveCallToo() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        _ = engine.handle(.edgeCallEvents(user: "alice", [.callNew(EngineHarness.call("sip-1", state: .new))]))
        #expect(engine.engine.hasLiveCall(tab))
        _ = engine.handle(.edgeCallEvents(user: "alice", [.callHangup(EngineHarness.call("sip-1", state: .hangup))]))
        #expect(!engine.engine.hasLiveCall(tab))
    }
}
