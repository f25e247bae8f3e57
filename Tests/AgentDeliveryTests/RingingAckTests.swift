import Testing
@testable import AgentDelivery
import AgentProtocol

/// Ringing acks (docs/agent-protocol.md §4 `ack`): an incoming `callRinging` nobody acknowledges
/// is sent again with the same `seq`, then the agent is unreachable.
@Suite struct RingingAckTests {
    static func ringing() -> (EngineHarness, TabID, TabID, [UInt8]) {
        var engine = EngineHarness { $0.ackTimeoutMilliseconds = 1_000; $0.ackResends = 1 }
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice")
        engine.logIn(second, "alice")
        let rung = engine.emit("alice", .callRinging(EngineHarness.call("c1")))
        guard case .send(let bytes, _)? = rung.first else { fatalError("nothing sent") }
        return (engine, first, second, bytes)
    }

    @Test func anAckFromAnyTabStopsTheResend() {
        var (engine, _, second, _) = Self.ringing()
        _ = engine.request(second, .ack(seq: 1))
        engine.advance(milliseconds: 5_000)
        #expect(engine.handle(.tick).isEmpty)
    }

    @Test func unackedRingingIsResentWithTheSameBytesThenTheAgentIsUnreachable() {
        var (engine, first, second, bytes) = Self.ringing()
        engine.advance(milliseconds: 999)
        #expect(engine.handle(.tick).isEmpty)
        engine.advance(milliseconds: 1)
        let resent = engine.handle(.tick)
        #expect(resent == [.count(channel: "ws", event: "ringing_resent"), .send(bytes, to: [first, second])])
        engine.advance(milliseconds: 1_000)
        let unreachable = engine.handle(.tick)
        #expect(unreachable.counted == ["agent_unreachable"])
        #expect(unreachable.logged.map(\.event) == ["agent_unreachable"])
        #expect(unreachable.callControl.map(\.request) == [.unreachable(user: "alice")])
        #expect(unreachable.callControl.first?.ticket == nil)
        engine.advance(milliseconds: 5_000)
        #expect(engine.handle(.tick).isEmpty)
    }

    @Test func theCallsNextStateEndsTheWait() {
        for next in [AgentEvent.callConnect(EngineHarness.call("c1", state: .connected)),
                     .callHangup(EngineHarness.call("c1", state: .hangup))] {
            var (engine, _, _, _) = Self.ringing()
            _ = engine.emit("alice", next)
            engine.advance(milliseconds: 10_000)
            #expect(engine.handle(.tick).isEmpty)
        }
    }

    @Test func outgoingRingingWaitsForNoAck() {
        var engine = EngineHarness { $0.ackTimeoutMilliseconds = 1_000 }
        engine.logIn(engine.open(1), "alice")
        _ = engine.emit("alice", .callRinging(EngineHarness.call("c1", .outgoing)))
        engine.advance(milliseconds: 10_000)
        #expect(engine.handle(.tick).isEmpty)
    }
}
