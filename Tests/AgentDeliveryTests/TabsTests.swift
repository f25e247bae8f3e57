import Testing
@testable import AgentDelivery
import AgentProtocol
import WSFraming

/// Tabs and users (docs/agent-protocol.md §4): every tab of a user, the primary tab, the tab id
/// that takes its place back (4009), `autologout`.
@Suite struct TabsTests {
    @Test func aTabIsGreetedWithConnectThenCredentials() {
        var engine = EngineHarness()
        let actions = engine.handle(.tabOpened(TabID(1), TabOrigin(address: "10.0.0.1", identifiers: [])))
        #expect(actions.sent.map(\.event) == ["connect", "credentials"])
        #expect(actions.sent[0].data == .object(["version": .string("4.0.0"), "protocol": .integer(1)]))
    }

    @Test func everyTabOfAUserGetsThePerUserEventsWithTheSameSeq() {
        var engine = EngineHarness()
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice")
        engine.logIn(second, "alice")
        let actions = engine.emit("alice", .stateChange(status: .aux, reason: "Oběd"), .waitingCallersChange(waitingCallers: 2))
        #expect(actions.sent.map(\.seq) == [1, 2])
        #expect(actions.sent.allSatisfy { $0.tabs == [first, second] })
        // Another user's tabs hear nothing of it.
        let bob = engine.open(3)
        engine.logIn(bob, "bob")
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 3)).sent.map(\.tabs) == [[first, second]])
    }

    @Test func theOldestTabIsPrimaryAndTheNextTakesOverWhenItGoes() {
        var engine = EngineHarness()
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice")
        let joined = engine.logIn(second, "alice")
        let primaries = joined.sent.filter { $0.event == "primary" }
        #expect(primaries.map(\.tabs) == [[first], [second]])
        #expect(primaries.map(\.data) == [.object(["primary": .bool(true), "tabs": .integer(2)]),
                                          .object(["primary": .bool(false), "tabs": .integer(2)])])
        let left = engine.handle(.tabClosed(first))
        #expect(left.sent == [Sent(event: "primary", seq: nil, epoch: nil, data: .object(["primary": .bool(true), "tabs": .integer(1)]), tabs: [second])])
    }

    /// A connection with the browser tab id of one of the user's tabs takes its place (first,
    /// so primary) and the old connection is closed with 4009 and hears nothing more.
    @Test func aReconnectingTabTakesItsPlaceBackAndTheOldOneIsClosedWith4009() {
        var engine = EngineHarness()
        let old = engine.open(1), other = engine.open(2), new = engine.open(3)
        engine.logIn(old, "alice", options: SignInOptions(tab: "browser-tab-A"))
        engine.logIn(other, "alice", options: SignInOptions(tab: "browser-tab-B"))
        let actions = engine.logIn(new, "alice", options: SignInOptions(tab: "browser-tab-A"))
        #expect(actions.contains(.close(old, code: .tabReplaced, reason: "this tab connected again")))
        #expect(actions.counted.contains("tab_replaced"))
        #expect(actions.sent.filter { $0.event == "primary" }.map(\.tabs) == [[new], [other]])
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 1)).sent.map(\.tabs) == [[new, other]])
        // Its close later changes nothing for the user.
        #expect(engine.handle(.tabClosed(old)).isEmpty)
    }

    /// A tab that moved from Wi-Fi to LTE comes back from another address: `autologout` leaves
    /// its old connection to the replacement, and logs out the tabs of other browsers.
    @Test func aTabThatMovedToAnotherAddressIsReplacedNotLoggedOut() {
        var engine = EngineHarness()
        let wifi = engine.open(1, address: "10.0.0.1"), elsewhere = engine.open(2, address: "10.0.0.1")
        let lte = engine.open(3, address: "100.64.0.7")
        engine.logIn(wifi, "alice", options: SignInOptions(tab: "A"))
        engine.logIn(elsewhere, "alice", options: SignInOptions(tab: "B"))
        let actions = engine.logIn(lte, "alice", options: SignInOptions(tab: "A"))
        #expect(!actions.events(to: wifi).contains("loginError"))
        #expect(actions.contains(.close(wifi, code: .tabReplaced, reason: "this tab connected again")))
        #expect(actions.events(to: elsewhere) == ["loginError", "credentials"])
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 1)).sent.map(\.tabs) == [[lte]])
    }

    @Test func autologoutLogsOutTheTabsOfOtherAddressesOnly() {
        var engine = EngineHarness()
        let home = engine.open(1, address: "10.0.0.1"), sameBrowser = engine.open(2, address: "10.0.0.1")
        let office = engine.open(3, address: "192.0.2.7")
        engine.logIn(home, "alice")
        engine.logIn(sameBrowser, "alice")
        let actions = engine.logIn(office, "alice")
        #expect(actions.events(to: home) == ["loginError", "credentials"])
        #expect(actions.events(to: sameBrowser) == ["loginError", "credentials"])
        #expect(actions.sent.first { $0.event == "loginError" }?.data
                == .object(["code": .integer(3), "message": .string("logged in elsewhere")]))
        #expect(actions.contains(.authenticated(home, until: nil)))
        #expect(actions.counted.filter { $0 == "autologout" }.count == 2)
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 1)).sent.map(\.tabs) == [[office]])
    }

    @Test func autologoutIsKeptOffByTheLoginOrBySettings() {
        var engine = EngineHarness()
        let home = engine.open(1, address: "10.0.0.1"), office = engine.open(2, address: "192.0.2.7")
        engine.logIn(home, "alice")
        let kept = engine.logIn(office, "alice", options: SignInOptions(autologout: false))
        #expect(kept.events(to: home) == ["primary"])

        var off = EngineHarness { $0.autologout = false }
        let first = off.open(1, address: "10.0.0.1"), second = off.open(2, address: "192.0.2.7")
        off.logIn(first, "alice")
        #expect(off.logIn(second, "alice").events(to: first) == ["primary"])
    }
}
