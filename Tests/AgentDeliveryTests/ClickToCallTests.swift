import Testing
@testable import AgentDelivery
import ClickToCall
import CallControlMessages

/// Click-to-call (docs/click-to-call.md §1–§2): whose phone, the dedup window, READY only, and
/// the back end's refusals as the dialects' errors.
@Suite struct ClickToCallTests {
    static func request(_ agent: DialAgent, number: String = "+420602123456") -> ClickToCallRequest {
        ClickToCallRequest(dialect: .oktellServer, dial: Dial(agent: agent, number: number, direction: .city, sequence: .back))
    }

    /// Every way of naming an agent, with every kind of caller (lookups answered as given).
    @Test func resolution() {
        typealias R = ClickToCallResolution
        // A server may name anyone, and must name someone; it learns who does not exist.
        #expect(R.lookups(.user("alice"), caller: .server) == [.named("alice")])
        #expect(R.resolve(.user("alice"), caller: .server, found: ["alice"]) == .success("alice"))
        #expect(R.resolve(.line("2001"), caller: .server, found: [nil]) == .failure(.unknownAgent))
        #expect(R.lookups(.requester, caller: .server) == [])
        #expect(R.resolve(.requester, caller: .server, found: []) == .failure(.forbidden))
        // An agent places its own calls only; another name, known or not, is forbidden.
        #expect(R.resolve(.requester, caller: .agent("alice"), found: []) == .success("alice"))
        #expect(R.resolve(.user("alice"), caller: .agent("alice"), found: ["alice"]) == .success("alice"))
        #expect(R.resolve(.user("bob"), caller: .agent("alice"), found: ["bob"]) == .failure(.forbidden))
        #expect(R.resolve(.user("nobody"), caller: .agent("alice"), found: [nil]) == .failure(.forbidden))
        // A workplace (a phone's address) is its agent.
        #expect(R.lookups(.requester, caller: .workplace("10.0.0.7")) == [.workplace("10.0.0.7")])
        #expect(R.resolve(.requester, caller: .workplace("10.0.0.7"), found: ["carol"]) == .success("carol"))
        #expect(R.resolve(.requester, caller: .workplace("10.0.0.7"), found: [nil]) == .failure(.unknownAgent))
        #expect(R.lookups(.workplace("Comp082"), caller: .workplace("10.0.0.7")) == [.workplace("Comp082"), .workplace("10.0.0.7")])
        #expect(R.resolve(.workplace("Comp082"), caller: .workplace("10.0.0.7"), found: ["carol", "carol"]) == .success("carol"))
        #expect(R.resolve(.workplace("Comp082"), caller: .workplace("10.0.0.7"), found: ["dana", "carol"]) == .failure(.forbidden))
        #expect(R.resolve(.workplace("Comp082"), caller: .workplace("10.0.0.7"), found: ["dana", nil]) == .failure(.forbidden))
    }

    static func readyAlice() -> EngineHarness {
        var engine = EngineHarness(clickDedupSeconds: 5)
        engine.logIn(engine.open(1), "alice")
        return engine
    }

    static func click(_ engine: inout EngineHarness, ask: UInt64, _ request: ClickToCallRequest = request(.user("alice")))
        -> [DeliveryAction] {
        let asked = engine.handle(.clickToCall(AskID(ask), request, caller: .server))
        #expect(asked.callControl.map(\.request) == [.lookUp([.named("alice")])])
        return engine.answer(asked, .found(["alice"]))
    }

    @Test func theDialIsPlacedFromTheAgentsPhoneOncePerDoubleClick() {
        var engine = Self.readyAlice()
        let dialled = Self.click(&engine, ask: 1)
        #expect(dialled.callControl.map(\.request) == [.execute(user: "alice", command: .dial(Self.request(.user("alice")).dial
            .params(dialect: .oktellServer)))])
        let placed = engine.answer(dialled, .executed(.fields(["uniqueid": .string("u-9")])))
        #expect(placed.answers.map(\.answer) == [.clickToCall(.success("u-9"))])
        #expect(placed.logged.map(\.event) == ["click_to_call"])
        engine.advance(milliseconds: 4_999)
        let again = Self.click(&engine, ask: 2)
        #expect(again == [.count(channel: "clicktocall", event: "deduplicated"), .answer(AskID(2), .clickToCall(.success("u-9")))])
        engine.advance(milliseconds: 1)
        #expect(Self.click(&engine, ask: 3).callControl.count == 1)
    }

    @Test func aDoubleClickWhileTheFirstIsPlacedWaitsForIt() {
        var engine = Self.readyAlice()
        let dialled = Self.click(&engine, ask: 1)
        let second = Self.click(&engine, ask: 2)
        #expect(second == [.count(channel: "clicktocall", event: "deduplicated")])
        let placed = engine.answer(dialled, .executed(.fields(["uniqueid": .string("u-9")])))
        #expect(placed.answers.map(\.ask) == [AskID(1), AskID(2)])
        #expect(placed.answers.allSatisfy { $0.answer == .clickToCall(.success("u-9")) })
    }

    @Test func anAgentNotReadyIsUnavailableAndRefusalsMapToTheDialectsErrors() {
        var engine = EngineHarness()
        engine.logIn(engine.open(1), "alice", state: .identify)
        #expect(Self.click(&engine, ask: 1).answers.map(\.answer)
            == [.clickToCall(.failure(.agentUnavailable("alice is not signed in with a phone")))])

        var ready = Self.readyAlice()
        let invalid = ready.answer(Self.click(&ready, ask: 1),
                                   .failed(CallControlError(code: "invalidNumber", text: "bad number", httpStatus: 400)))
        #expect(invalid.answers.map(\.answer) == [.clickToCall(.failure(.numberNotDialable("bad number")))])
        let busy = ready.answer(Self.click(&ready, ask: 2),
                                .failed(CallControlError(code: "callInProgress", text: "busy", httpStatus: 409)))
        #expect(busy.answers.map(\.answer) == [.clickToCall(.failure(.agentUnavailable("busy")))])
        // A refusal is not remembered: the next click dials again.
        #expect(Self.click(&ready, ask: 3).callControl.count == 1)
    }

    @Test func aServerNamingNobodyIsUnknownAndARequesterServerForbiddenWithoutAskingTheBackEnd() {
        var engine = Self.readyAlice()
        let unknown = engine.answer(engine.handle(.clickToCall(AskID(1), Self.request(.user("zed")), caller: .server)), .found([nil]))
        #expect(unknown.answers.map(\.answer) == [.clickToCall(.failure(.unknownAgent))])
        let forbidden = engine.handle(.clickToCall(AskID(2), Self.request(.requester), caller: .server))
        #expect(forbidden == [.answer(AskID(2), .clickToCall(.failure(.forbidden)))])
    }
}
