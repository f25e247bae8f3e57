import Testing
@testable import AgentDelivery
import AgentProtocol
import CallControlMessages
import AuthSchemes
import WSFraming

/// Signing in and out (docs/agent-protocol.md §2.2, §5.1): `login` and `sso`, the back end's
/// sign-in, the welcome, refusals with their `loginError` codes, `logout`.
@Suite struct SignInTests {
    @Test func aLoginIsCheckedThenSignedInThenWelcomed() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        let asked = engine.request(tab, .login(username: "alice", password: "secret", remember: false, options: SignInOptions()))
        #expect(asked == [.checkPassword(asked.passwordTicket!, username: "alice", password: "secret")])
        let checked = engine.handle(.passwordChecked(asked.passwordTicket!, .right(enabled: true)))
        #expect(checked.callControl.map(\.request) == [.signIn(user: "alice", identifiers: ["web-1", "10.0.0.1"])])
        let welcomed = engine.answer(checked, .signedIn(EngineHarness.signIn("alice", state: .identify)))
        #expect(welcomed.contains(.loggedIn(tab, id: .number("1"), user: "alice", provider: "password")))
        #expect(welcomed.events(to: tab) == ["user", "identify", "identifier", "primary"])
        #expect(welcomed.counted == ["logged_in"])
        #expect(welcomed.logged.first?.event == "agent_logged_in")
        // IDENTIFY: a READY method is refused by the engine's own view of the user.
        let refused = engine.request(tab, .dial(DialParams(number: "602123456")))
        #expect(refused.replies.first?.reply == .error(AgentProtocolError(
            id: .number("2"), kind: .wrongState(method: .dial, state: .identify))))
        #expect(refused.callControl.isEmpty)
    }

    @Test func aReadyUserIsWelcomedWithReadyAndTheLastSeq() {
        var engine = EngineHarness()
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice")
        _ = engine.emit("alice", .stateChange(status: .ready, reason: nil))
        let welcomed = engine.logIn(second, "alice")
        #expect(welcomed.events(to: second) == ["user", "ready", "primary"])
        let ready = welcomed.sent.first { $0.event == "ready" }!
        guard case .object(let data) = ready.data, case .object(let state)? = data["state"] else {
            Issue.record("no state in \(ready)")
            return
        }
        #expect(state["lastSeq"] == .integer(1))
    }

    @Test func aWrongPasswordIsLoginError1() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        let asked = engine.request(tab, .login(username: "alice", password: "nope", remember: false, options: SignInOptions()))
        let refused = engine.handle(.passwordChecked(asked.passwordTicket!, .wrong))
        #expect(refused.replies.map(\.reply) == [.error(AgentProtocolError(
            id: .number("1"), kind: .failed(code: "loginFailed", text: "invalid user name or password")))])
        #expect(refused.sent.map(\.data) == [.object(["code": .integer(1), "message": .string("invalid user name or password")])])
        #expect(refused.counted == ["login_refused"])
        #expect(refused.callControl.isEmpty)
    }

    @Test func oneLoginAtATimePerTab() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        _ = engine.request(tab, .login(username: "alice", password: "a", remember: false, options: SignInOptions()))
        let second = engine.request(tab, .login(username: "alice", password: "b", remember: false, options: SignInOptions()))
        #expect(second == [.reply(tab, .error(AgentProtocolError(
            id: .number("2"), kind: .failed(code: "loginInProgress", text: "a login of this tab is being checked"))))])
    }

    /// docs/agent-protocol.md §5.2: counted when they start, so a parallel batch is stopped at
    /// the user's limit; a blocked attempt is not checked.
    @Test func theThrottleStopsAParallelBatchAtFive() {
        var engine = EngineHarness()
        var checks = 0
        var throttled = 0
        for number in 1...8 {
            let tab = engine.open(UInt64(number))
            let actions = engine.request(tab, .login(username: "alice", password: "guess", remember: false, options: SignInOptions()))
            if actions.passwordTicket != nil { checks += 1 }
            if actions.counted.contains("login_throttled") {
                throttled += 1
                #expect(actions.sent.last?.data == .object(["code": .integer(5),
                                                             "message": .string("too many login attempts; try again later")]))
            }
        }
        #expect(checks == 5 && throttled == 3)
    }

    @Test func anOverlongUserNameIsRefusedUncounted() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        for _ in 1...10 {
            let actions = engine.request(tab, .login(username: String(repeating: "x", count: 300), password: "p", remember: false,
                                                      options: SignInOptions()))
            #expect(actions.passwordTicket == nil)
            #expect(actions.counted == ["login_refused"])
        }
        // The address was not counted: a real login from it still gets checked.
        #expect(engine.request(tab, .login(username: "alice", password: "p", remember: false, options: SignInOptions()))
            .passwordTicket != nil)
    }

    @Test func aDisabledOrRefusedUserIsLoginError4() {
        var engine = EngineHarness()
        let tab = engine.open(1)
        let asked = engine.request(tab, .login(username: "carol", password: "secret", remember: false, options: SignInOptions()))
        let checked = engine.handle(.passwordChecked(asked.passwordTicket!, .right(enabled: false)))
        let refused = engine.answer(checked, .failed(CallControlError(code: "accountDisabled", text: "The account is disabled.",
                                                                      httpStatus: 409)))
        #expect(refused.sent.map(\.event) == ["loginError"])
        #expect(refused.sent[0].data == .object(["code": .integer(4), "message": .string("account not allowed to use the agent bar")]))
        #expect(refused.logged.first?["reason"] == "The account is disabled.")
    }

    @Test func ssoIsVerifiedByTheGatewayThenSignedIn() {
        var engine = EngineHarness()
        let tab = engine.open(1, address: "203.0.113.5")
        let asked = engine.request(tab, .sso(username: "alice", token: "t0k", provider: "CRM", options: SignInOptions(logoutOnClose: true)))
        #expect(asked == [.verify(asked.verifyTicket!, .sso(username: "alice", token: "t0k", provider: "CRM"), address: "203.0.113.5")])
        let verified = engine.handle(.credentialChecked(asked.verifyTicket!, .success(VerifiedCredential(
            identity: Identity(user: "alice", provider: "CRM", address: "203.0.113.5")))))
        let welcomed = engine.answer(verified, .signedIn(EngineHarness.signIn("alice", state: .ready)))
        #expect(welcomed.contains(.loggedIn(tab, id: .number("1"), user: "alice", provider: "CRM")))
        #expect(engine.engine.users["alice"]?.logoutOnClose == true)

        let other = engine.open(2)
        let replayed = engine.request(other, .sso(username: "alice", token: "t0k", provider: "CRM", options: SignInOptions()))
        let refused = engine.handle(.credentialChecked(replayed.verifyTicket!, .failure(.replayed)))
        #expect(refused.sent.map(\.data) == [.object(["code": .integer(2), "message": .string("invalid or expired SSO token")])])
    }

    @Test func logoutSendsEveryTabBackToCredentialsAfterTheReply() {
        var engine = EngineHarness()
        let first = engine.open(1), second = engine.open(2)
        engine.logIn(first, "alice")
        engine.logIn(second, "alice")
        _ = engine.emit("alice", .callRinging(EngineHarness.call("c1")))
        let asked = engine.request(second, .logout)
        #expect(asked.callControl.map(\.request) == [.signOut(user: "alice")])
        let done = engine.answer(asked, .done)
        #expect(done.replies.map(\.tab) == [second])
        #expect(done.events(to: first) == ["credentials"] && done.events(to: second) == ["credentials"])
        #expect(done.contains(.authenticated(first, until: nil)))
        #expect(engine.engine.acks.pendingCount == 0)
        // Signed out: CREDENTIALS again, and no more of the user's events.
        #expect(engine.request(first, .hangup).replies.first?.reply == .error(AgentProtocolError(
            id: .number("4"), kind: .wrongState(method: .hangup, state: .credentials))))
        #expect(engine.emit("alice", .waitingCallersChange(waitingCallers: 1)).sent.isEmpty)
    }
}
