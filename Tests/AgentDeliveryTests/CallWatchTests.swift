import Testing
@testable import AgentDelivery
import LastCallersWidget
import CallControlMessages
import JSON

/// Last callers (docs/compatibility.md §5, docs/click-to-call.md §6) and the Action URL hand-off (docs/compatibility.md §4.2,
/// docs/click-to-call.md §5) of every call event the engine delivers.
@Suite struct CallWatchTests {
    /// alice calls a customer; when the customer calls back, bob's ringing says alice called last.
    @Test func anIncomingRingingCarriesWhoCalledTheNumberLast() {
        var engine = EngineHarness()
        engine.logIn(engine.open(1), "alice")
        engine.logIn(engine.open(2), "bob")
        _ = engine.emit("alice", .callRinging(EngineHarness.call("out-1", .outgoing)))
        #expect(engine.engine.lastCallersReply(number: "+420602123456").callers
            == [LastCaller(agent: "alice", displayName: "Alena Nováková", at: 1_700_000_000)])
        let rung = engine.emit("bob", .callRinging(EngineHarness.call("in-1")))
        #expect(Self.lastCallers(rung) == LastCallersReply.jsonValue([LastCaller(agent: "alice", displayName: "Alena Nováková",
                                                                                at: 1_700_000_000)]))
        // An unknown number rings with an empty list.
        let other = engine.emit("bob", .callRinging(EngineHarness.call("in-2", number: "+420777000111")))
        #expect(Self.lastCallers(other) == LastCallersReply.jsonValue([]))
    }

    /// `data.lastCallers` of the call of the first event sent.
    static func lastCallers(_ actions: [DeliveryAction]) -> JSONValue? {
        lastCallers(actions.sent.first)
    }

    /// `data.lastCallers` of the call of a message sent.
    static func lastCallers(_ sent: Sent?) -> JSONValue? {
        guard case .object(let data)? = sent?.data, case .object(let call)? = data["call"],
              case .object(let callData)? = call["data"] else { return nil }
        return callData["lastCallers"]
    }

    @Test func withoutTargetsNothingIsPublished() {
        var engine = EngineHarness(actionURLs: false)
        engine.logIn(engine.open(1), "alice")
        let actions = engine.emit("alice", .callRinging(EngineHarness.call("c1")), .callHangup(EngineHarness.call("c1", state: .hangup)))
        #expect(actions.published.isEmpty && actions.callControl.isEmpty)
    }

    /// With targets, an event that fires an action asks the back end for the agent's party and
    /// publishes once it is known; one that fires none asks nothing.
    @Test func anEventThatFiresAnActionIsPublishedWithTheAgentsParty() {
        var engine = EngineHarness(actionURLs: true)
        engine.logIn(engine.open(1), "alice")
        let quiet = engine.emit("alice", .callNew(EngineHarness.call("c1", state: .new)))
        #expect(quiet.callControl.isEmpty)
        let rung = engine.emit("alice", .callRinging(EngineHarness.call("c1")))
        #expect(rung.callControl.map(\.request) == [.party(user: "alice")])
        #expect(rung.published.isEmpty)
        let published = engine.answer(rung, .party(CallParty(party: "2001", alias: "Alena Nováková")))
        #expect(published.published.count == 1)
        let values = published.published[0]
        #expect(values.action == .inbound && values.localParty == "2001" && values.localAlias == "Alena Nováková")
        #expect(values.callGuid == "guid-c1" && values.remoteParty == "+420602123456" && values.utcOffsetSeconds == 3_600)
        // An unknown user: nothing.
        let hung = engine.emit("alice", .callHangup(EngineHarness.call("c1", state: .hangup)))
        #expect(engine.answer(hung, .party(nil)).published.isEmpty)
    }
}
