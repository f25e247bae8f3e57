import Testing
@testable import AgentDelivery
import ActionURLs

/// Device Action URLs in (docs/compatibility.md §4.2, docs/click-to-call.md §4): the phone's agent found by
/// `local_party`, its events delivered like the back end's, the phone's own party relayed out.
@Suite struct DeviceEventTests {
    static func event(_ query: String) -> ActionURLEvent {
        try! ActionURLEvent.parse(query: query).get()
    }

    static let inbound = event("action=inbound&local_party=2001&local_alias=Alena&remote_party=%2B420602123456&call_guid=g-1")

    @Test func thePhonesAgentGetsTheEventsNumberedAndTheCRMItsParty() {
        var engine = EngineHarness(actionURLs: true)
        let tab = engine.open(1)
        engine.logIn(tab, "alice")
        let asked = engine.handle(.deviceEvent(AskID(1), Self.inbound, caller: .server))
        #expect(asked.callControl.map(\.request) == [.lookUp([.line("2001")])])
        let delivered = engine.answer(asked, .found(["alice"]))
        #expect(delivered.sent.map(\.event) == ["callNew", "callRinging"])
        #expect(delivered.sent.map(\.seq) == [1, 2])
        #expect(delivered.published.map(\.localParty) == ["2001"] && delivered.published.map(\.localAlias) == ["Alena"])
        #expect(delivered.callControl.isEmpty)
        #expect(delivered.counted.contains("inbound"))
        #expect(delivered.answers.map(\.answer) == [.deviceEvent(nil)])
        // The ringing waits for an ack like any other.
        #expect(engine.engine.acks.pendingCount == 1)
    }

    @Test func anAgentsKeyMayReportOnlyItsOwnPhoneAndAnUnknownOneIs404() {
        var engine = EngineHarness()
        let other = engine.answer(engine.handle(.deviceEvent(AskID(1), Self.inbound, caller: .agent("bob"))), .found(["alice"]))
        #expect(other == [.answer(AskID(1), .deviceEvent(.unauthorized(.wrongUser)))])
        let unknownToAKey = engine.answer(engine.handle(.deviceEvent(AskID(2), Self.inbound, caller: .agent("bob"))), .found([nil]))
        #expect(unknownToAKey == [.answer(AskID(2), .deviceEvent(.unauthorized(.wrongUser)))])
        let unknown = engine.answer(engine.handle(.deviceEvent(AskID(3), Self.inbound, caller: .server)), .found([nil]))
        #expect(unknown == [.answer(AskID(3), .deviceEvent(.unknownDevice))])
        let failed = engine.answer(engine.handle(.deviceEvent(AskID(4), Self.inbound, caller: .server)),
                                   .failed(.unavailable("down")))
        #expect(failed == [.answer(AskID(4), .deviceEvent(.backendFailed("down")))])
    }
}
