import AgentProtocol
import CallControlMessages
import AuthSchemes
import MuxEnvelope

/// Signing in and out (docs/agent-protocol.md §2.2): `login` (password, throttled), `sso` (a
/// token the gateway verifies), the back end's sign-in, the tab's welcome, and `logout`.
extension DeliveryEngine {
    /// `login`: one at a time per tab (`loginInProgress`); the password is checked off the
    /// hub's loop, throttled (§5.2).
    mutating func login(_ tab: TabID, id: RequestID, username: String, password: String, options: SignInOptions) {
        guard tabs[tab]?.loginPending == false else {
            reply(tab, .error(AgentProtocolError(id: id, kind: .failed(code: "loginInProgress", text: "a login of this tab is being checked"))))
            return
        }
        tabs[tab]?.loginPending = true
        let refused = beginPasswordCheck(username: username, password: password, address: address(of: tab)) { attempt in
            .login(tab, id, username: username, options: options, attempt: attempt)
        }
        if let refused {
            tabs[tab]?.loginPending = false
            loginChecked(tab, id: id, username: username, options: options, refused)
        }
    }

    /// What the password check of a `login` decided.
    mutating func loginChecked(_ tab: TabID, id: RequestID, username: String, options: SignInOptions, _ check: PasswordCheck) {
        switch check {
        case .valid, .disabled:
            // The back end refuses a disabled user (`loginError` 4).
            signIn(tab, id: id, user: username, provider: "password", method: .login, options: options)
        case .invalid:
            refuseLogin(tab, id: id, code: .invalidCredentials, reason: "wrong user name or password")
        case .throttled(let block):
            count("login_throttled")
            refuseLogin(tab, id: id, code: .tooManyAttempts, reason: block.reason)
        }
    }

    /// The verified SSO token of an `sso` request.
    mutating func ssoChecked(_ result: Result<VerifiedCredential, AuthError>, tab: TabID, id: RequestID, username: String,
                             provider: String, options: SignInOptions) {
        switch result {
        case .success:
            signIn(tab, id: id, user: username, provider: provider.isEmpty ? "sso" : provider, method: .sso, options: options)
        case .failure(let error):
            refuseLogin(tab, id: id, code: LoginErrorCode(error, method: .sso), reason: error.reason)
        }
    }

    /// A verified user becomes this tab's (`login`, `sso`): the back end signs them in.
    mutating func signIn(_ tab: TabID, id: RequestID, user: String, provider: String, method: AgentMethod, options: SignInOptions) {
        tabs[tab]?.restriction = nil
        ask(.signIn(user: user, identifiers: tabs[tab]?.origin.identifiers ?? []),
            then: .signIn(tab, id, user: user, purpose: .login(provider: provider, method: method, options: options)))
    }

    /// The back end's answer to a sign-in: other browsers are logged out (`autologout`, unless
    /// the login asked to keep them), the tab joins the user's tabs, and gets its token (a
    /// login) or its `attached` reply (an `attach`), then its first view of the user.
    mutating func signedIn(_ answer: CallControlAnswer, tab: TabID, id: RequestID, user: String, purpose: Pending.SignInPurpose) {
        let signedIn: SignIn
        switch answer {
        case .signedIn(let value):
            signedIn = value
        case .failed(let error):
            refuseLogin(tab, id: id, code: error.code == "upstreamUnavailable" ? .serviceUnavailable : .notAllowed, reason: error.text)
            return
        default:
            refuseLogin(tab, id: id, code: .serviceUnavailable, reason: CallControlError.unexpectedAnswer.text)
            return
        }
        var record = takeRecord(user)
        record.state = signedIn.state
        users[user] = record
        guard tabs[tab] != nil else {
            // The tab went while the back end signed the user in: the sign-out timer decides.
            if record.tabs.isEmpty, detached[user] == nil { detached[user] = time.milliseconds }
            return
        }
        switch purpose {
        case .login(let provider, let method, let options):
            if options.autologout { autologout(user, keeping: tab, browserTab: options.tab) }
            join(tab, user: user, browserTab: options.tab, autologout: options.autologout)
            users[user]!.logoutOnClose = options.logoutOnClose
            count("logged_in")
            log("agent_logged_in", ["user": user, "peer": address(of: tab), "method": method.rawValue])
            actions.append(.loggedIn(tab, id: id, user: user, provider: provider))
            welcome(tab, signedIn, user: user)
        case .attach(let expires, let browserTab, let position):
            autologout(user, keeping: tab, browserTab: browserTab)
            join(tab, user: user, browserTab: browserTab, autologout: true)
            actions.append(.authenticated(tab, until: expires))
            if sharedStream && signedIn.state == .ready {
                // New here, but READY at the back end (one shared by every instance, or a phone
                // found by the tab's identifiers): the shared stream may still hold what it missed.
                tabs[tab]?.catchingUp = true
                actions.append(.readStream(user: user, after: position,
                                           ticket: issue(.attachRead(tab, id, user: user, state: .ready, position: position))))
                return
            }
            reply(tab, .attached(id: id, state: signedIn.state, lastSeq: lastSeq(of: user), complete: false, epoch: epoch(of: user)))
            welcome(tab, signedIn, user: user)
            count("attached")
        }
        announcePrimary(user)
    }

    /// The tab's first view of its user: `user`, then `ready` for a READY user, else `identify`
    /// (and `identifier` when a candidate named a phone).
    mutating func welcome(_ tab: TabID, _ signedIn: SignIn, user: String) {
        send(.user(signedIn.user), to: tab)
        if signedIn.state == .ready, let snapshot = signedIn.snapshot {
            send(.ready(stamped(snapshot, user: user)), to: tab)
        } else {
            send(.identify(identificators: signedIn.identificators), to: tab)
            if let identifier = signedIn.identifier { send(.identifier(identificator: identifier), to: tab) }
        }
    }

    /// `loginFailed` and the `loginError` event with its code (§5.1).
    mutating func refuseLogin(_ tab: TabID, id: RequestID, code: LoginErrorCode, reason: String) {
        count("login_refused")
        log("agent_login_refused", ["peer": address(of: tab), "code": "\(code.rawValue)", "reason": reason])
        reply(tab, .error(AgentProtocolError(id: id, kind: .failed(code: "loginFailed", text: code.defaultMessage))))
        send(.loginError(code: code, message: code.defaultMessage), to: tab)
    }

    /// The back end signed the user out on `logout`: every tab of the user goes back to
    /// CREDENTIALS, after the reply to the tab that asked.
    mutating func loggedOut(_ answer: CallControlAnswer, tab: TabID, id: RequestID, user: String) {
        if case .failed(let error) = answer {
            reply(tab, .error(AgentProtocolError(id: id, refusal: error)))
            return
        }
        users[user]?.signedOut()
        acks.cancel(user: user)
        reply(tab, .ok(id: id))
        for other in users[user]?.tabs ?? [] {
            drop(other, from: user)
            send(.credentials, to: other)
        }
        detached[user] = nil
        log("agent_logged_out", ["user": user, "peer": address(of: tab)])
    }
}
