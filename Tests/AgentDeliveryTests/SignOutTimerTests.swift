import Testing
@testable import AgentDelivery
import AgentProtocol

/// A user whose last tab went is signed out after `detachedLogoutSeconds`, or
/// `closedLogoutSeconds` after a `logoutOnClose` login; a tab that attaches in between keeps them
/// (docs/agent-protocol.md §2.1).
@Suite struct SignOutTimerTests {
    static func detached(logoutOnClose: Bool) -> (EngineHarness, TabID) {
        var engine = EngineHarness { $0.detachedLogoutSeconds = 120; $0.closedLogoutSeconds = 10 }
        let tab = engine.open(1)
        engine.logIn(tab, "alice", options: SignInOptions(logoutOnClose: logoutOnClose))
        _ = engine.handle(.tabClosed(tab))
        return (engine, tab)
    }

    @Test func aUserWithoutTabsIsSignedOutAfterTheDetachedTime() {
        var (engine, _) = Self.detached(logoutOnClose: false)
        engine.advance(milliseconds: 119_999)
        #expect(engine.handle(.tick).isEmpty)
        engine.advance(milliseconds: 1)
        let actions = engine.handle(.tick)
        #expect(actions.logged.map(\.event) == ["agent_detached_logout"])
        #expect(actions.callControl.map(\.request) == [.signOut(user: "alice")])
        #expect(engine.engine.users["alice"]?.state == .credentials)
        engine.advance(milliseconds: 200_000)
        #expect(engine.handle(.tick).isEmpty)
    }

    @Test func logoutOnCloseSignsOutSooner() {
        var (engine, _) = Self.detached(logoutOnClose: true)
        engine.advance(milliseconds: 10_000)
        let actions = engine.handle(.tick)
        #expect(actions.logged.map(\.event) == ["agent_closed_logout"])
        #expect(actions.callControl.map(\.request) == [.signOut(user: "alice")])
    }

    /// A reload attaches well within the time: the user stays signed in, and its events continue.
    @Test func aTabThatAttachesInBetweenKeepsTheUserSignedIn() {
        var (engine, _) = Self.detached(logoutOnClose: true)
        engine.advance(milliseconds: 5_000)
        let tab = engine.open(2)
        let actions = AttachTests.attach(&engine, tab, lastSeq: 0)
        #expect(actions.replies.map(\.reply) == [.attached(id: .number("2"), state: .ready, lastSeq: 0, complete: true)])
        engine.advance(milliseconds: 200_000)
        #expect(engine.handle(.tick).isEmpty)
    }
}
