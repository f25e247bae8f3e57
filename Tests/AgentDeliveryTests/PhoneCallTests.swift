import Testing
@testable import AgentDelivery

/// The web phone's calls through the SIP edge (docs/sip-edge.md §3): delivered as per-user
/// events, and the agent busy at the back end while any is in progress.
@Suite struct PhoneCallTests {
    @Test func phoneCallsAreDeliveredAndMakeTheAgentBusyMeanwhile() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        let started = engine.handle(.edgeCallEvents(user: "alice", [.callNew(EngineHarness.call("sip-1", state: .new))]))
        #expect(started.sent.map(\.event) == ["callNew"] && started.sent[0].seq == 1 && started.sent[0].tabs == [tab])
        #expect(started.callControl.map(\.request) == [.setBusy(user: "alice", busy: true)])
        #expect(started.counted == ["agent_busy"])
        let ringing = engine.handle(.edgeCallEvents(user: "alice", [.callRinging(EngineHarness.call("sip-1")),
                                                                    .callConnect(EngineHarness.call("sip-1", state: .connected))]))
        #expect(ringing.sent.map(\.seq) == [2, 3] && ringing.callControl.isEmpty)
        // A second call at once keeps the agent busy until both end.
        let second = engine.handle(.edgeCallEvents(user: "alice", [.callNew(EngineHarness.call("sip-2", state: .new))]))
        #expect(second.callControl.isEmpty)
        _ = engine.handle(.edgeCallEvents(user: "alice", [.callHangup(EngineHarness.call("sip-1", state: .hangup))]))
        let ended = engine.handle(.edgeCallEvents(user: "alice", [.callHangup(EngineHarness.call("sip-2", state: .hangup))]))
        #expect(ended.callControl.map(\.request) == [.setBusy(user: "alice", busy: false)])
        #expect(ended.counted == ["agent_free"])
    }

    @Test func anIncomingPhoneCallRingsLikeAnyOtherAndWaitsForAnAck() {
        var engine = EngineHarness { $0.ackTimeoutMilliseconds = 1_000; $0.ackResends = 0 }
        engine.logIn(engine.open(1), "alice")
        _ = engine.handle(.edgeCallEvents(user: "alice", [.callNew(EngineHarness.call("sip-1", state: .new)),
                                                          .callRinging(EngineHarness.call("sip-1"))]))
        engine.advance(milliseconds: 1_000)
        #expect(engine.handle(.tick).callControl.map(\.request) == [.unreachable(user: "alice")])
    }
}
