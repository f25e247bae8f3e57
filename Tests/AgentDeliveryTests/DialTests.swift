import Testing
@testable import AgentDelivery
import AgentProtocol
import CallControlMessages

/// `dial`'s `idempotencyKey` (docs/agent-protocol.md §4): one call per key within
/// `dialDedupSeconds`, however many tabs or retries ask.
@Suite struct DialTests {
    static func ready() -> (EngineHarness, TabID, TabID) {
        var engine = EngineHarness { $0.dialDedupSeconds = 10 }
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice")
        engine.logIn(second, "alice")
        return (engine, first, second)
    }

    static func dial(key: String?) -> AgentCommand {
        .dial(DialParams(number: "602123456", idempotencyKey: key))
    }

    @Test func aRepeatedKeyGetsTheFirstReplyAndPlacesNoCall() {
        var (engine, first, second) = Self.ready()
        let asked = engine.request(first, Self.dial(key: "k1"))
        #expect(asked.callControl.map(\.request) == [.execute(user: "alice", command: Self.dial(key: "k1"))])
        let placed = engine.answer(asked, .executed(.fields(["uniqueid": .string("u-1")])))
        #expect(placed.replies.map(\.reply) == [.result(id: .number("3"), ["uniqueid": .string("u-1")])])
        engine.advance(milliseconds: 9_999)
        let repeated = engine.request(second, Self.dial(key: "k1"))
        #expect(repeated == [.count(channel: "ws", event: "dial_deduplicated"),
                             .reply(second, .result(id: .number("4"), ["uniqueid": .string("u-1")]))])
        // Past the window, or another key: a new call.
        engine.advance(milliseconds: 1)
        #expect(engine.request(second, Self.dial(key: "k1")).callControl.count == 1)
        #expect(engine.request(second, Self.dial(key: "k2")).callControl.count == 1)
    }

    /// A repeat while the first is still with the back end waits for its reply.
    @Test func aRepeatWhileTheFirstIsUnderWayWaitsForItsReply() {
        var (engine, first, second) = Self.ready()
        let asked = engine.request(first, Self.dial(key: "k1"))
        let waiting = engine.request(second, Self.dial(key: "k1"))
        #expect(waiting == [.count(channel: "ws", event: "dial_deduplicated")])
        let placed = engine.answer(asked, .executed(.fields(["uniqueid": .string("u-1")])))
        #expect(placed.replies.map(\.tab) == [first, second])
        #expect(placed.replies.map(\.reply) == [.result(id: .number("3"), ["uniqueid": .string("u-1")]),
                                                .result(id: .number("4"), ["uniqueid": .string("u-1")])])
    }

    @Test func aRefusedDialIsNotRemembered() {
        var (engine, first, _) = Self.ready()
        let asked = engine.request(first, Self.dial(key: "k1"))
        let refused = engine.answer(asked, .failed(CallControlError(code: "callInProgress", text: "The agent already has a call.",
                                                                    httpStatus: 409)))
        #expect(refused.replies.map(\.reply) == [.error(AgentProtocolError(
            id: .number("3"), kind: .failed(code: "callInProgress", text: "The agent already has a call.")))])
        #expect(engine.request(first, Self.dial(key: "k1")).callControl.count == 1)
    }

    @Test func keysAreTheUsersOwn() {
        var (engine, first, _) = Self.ready()
        let bob = engine.open(3)
        engine.logIn(bob, "bob")
        _ = engine.answer(engine.request(first, Self.dial(key: "k1")), .executed(.fields(["uniqueid": .string("u-1")])))
        #expect(engine.request(bob, Self.dial(key: "k1")).callControl.map(\.request)
            == [.execute(user: "bob", command: Self.dial(key: "k1"))])
    }
}
