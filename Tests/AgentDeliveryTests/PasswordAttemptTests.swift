import Testing
@testable import AgentDelivery
import AgentProtocol

/// A password over HTTP (the last-callers token page) is throttled with the `/ws` logins: the
/// same user name and address counts (docs/agent-protocol.md §5.2).
@Suite struct PasswordAttemptTests {
    @Test func httpAttemptsAndLoginsShareOneThrottle() {
        var engine = EngineHarness()
        for number in 1...3 {
            let asked = engine.handle(.passwordAttempt(AskID(UInt64(number)), username: "alice", password: "guess", address: "10.0.0.1"))
            let checked = engine.handle(.passwordChecked(asked.passwordTicket!, .wrong))
            #expect(checked == [.answer(AskID(UInt64(number)), .password(.invalid))])
        }
        for number in 1...2 {
            let tab = engine.open(UInt64(number))
            #expect(engine.request(tab, .login(username: "alice", password: "guess", remember: false, options: SignInOptions()))
                .passwordTicket != nil)
        }
        let blocked = engine.handle(.passwordAttempt(AskID(9), username: "alice", password: "alice", address: "192.0.2.1"))
        #expect(blocked == [.answer(AskID(9), .password(.throttled(.user)))])
    }

    @Test func aRightPasswordForgetsTheUsersFailures() {
        var engine = EngineHarness()
        for number in 1...4 {
            let asked = engine.handle(.passwordAttempt(AskID(UInt64(number)), username: "alice", password: "guess", address: "10.0.0.1"))
            _ = engine.handle(.passwordChecked(asked.passwordTicket!, .wrong))
        }
        let right = engine.handle(.passwordAttempt(AskID(5), username: "alice", password: "alice", address: "10.0.0.1"))
        #expect(engine.handle(.passwordChecked(right.passwordTicket!, .right(enabled: true))) == [.answer(AskID(5), .password(.valid))])
        for number in 6...9 {
            #expect(engine.handle(.passwordAttempt(AskID(UInt64(number)), username: "alice", password: "x", address: "10.0.0.1"))
                .passwordTicket != nil)
        }
        let disabled = engine.handle(.passwordAttempt(AskID(10), username: "dana", password: "dana", address: "10.0.0.1"))
        #expect(engine.handle(.passwordChecked(disabled.passwordTicket!, .right(enabled: false))) == [.answer(AskID(10), .password(.disabled))])
    }
}
