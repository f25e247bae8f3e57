import Routes

/// Every password check, a `/ws` `login` and the last-callers token page's `Authorization:
/// Basic`, goes through one throttle (`LoginLimiter`, docs/agent-protocol.md §5.2), so failures in
/// either place add up: an attempt is counted when it starts, before its hash runs (on the
/// hub's hashing loop), and a right password takes it back.
extension DeliveryEngine {
    /// Longest user name a password is checked for; longer ones are refused at once (and are not
    /// kept by the throttle).
    public static let maxUsernameBytes = 256

    /// A password over HTTP: answered at once when refused, else after the check.
    mutating func passwordAttempt(_ ask: AskID, username: String, password: String, address: String) {
        let refused = beginPasswordCheck(username: username, password: password, address: address) { attempt in
            .passwordAsk(ask, attempt: attempt)
        }
        if let refused { actions.append(.answer(ask, .password(refused))) }
    }

    /// Starts checking `password` for `username` from `address`: the attempt is counted and the
    /// hub is asked to compare the hash (`then` is what to do with the outcome); nil. Or the
    /// refusal at once: `.invalid` for an over-long name (uncounted), `.throttled`.
    mutating func beginPasswordCheck(username: String, password: String, address: String,
                                     then next: (LoginLimiter.Attempt) -> Pending) -> PasswordCheck? {
        guard username.utf8.count <= Self.maxUsernameBytes else { return .invalid }
        switch logins.begin(user: username, address: address, now: time.milliseconds) {
        case .failure(let block):
            return .throttled(block)
        case .success(let attempt) where sharedStream:
            // Counted here, and then across every instance before the hash runs.
            let ticket = issue(.sharedAttempt(username: username, password: password, then: next(attempt)))
            actions.append(.countAttempt(user: username, address: address, ticket: ticket))
            return nil
        case .success(let attempt):
            let ticket = issue(next(attempt))
            actions.append(.checkPassword(ticket, username: username, password: password))
            return nil
        }
    }

    /// The shared count of an attempt: blocked, the refusal; else (or the shared state
    /// unreachable: this instance's count alone decides) the hash check.
    mutating func attemptCounted(_ ticket: Ticket, _ result: Result<LoginLimiter.Block?, SharedStateFailure>) {
        guard case .sharedAttempt(let username, let password, let next)? = pending.removeValue(forKey: ticket) else { return }
        guard case .success(let block?) = result else {
            actions.append(.checkPassword(issue(next), username: username, password: password))
            return
        }
        switch next {
        case .login(let tab, let id, let username, let options, _):
            guard tabs[tab] != nil else { return }
            tabs[tab]?.loginPending = false
            loginChecked(tab, id: id, username: username, options: options, .throttled(block))
        case .passwordAsk(let ask, _):
            actions.append(.answer(ask, .password(.throttled(block))))
        default:
            break
        }
    }

    mutating func passwordChecked(_ ticket: Ticket, _ match: PasswordMatch) {
        switch pending.removeValue(forKey: ticket) {
        case .login(let tab, let id, let username, let options, let attempt)?:
            let check = finishPasswordCheck(attempt, match)
            guard tabs[tab] != nil else { return }
            tabs[tab]?.loginPending = false
            loginChecked(tab, id: id, username: username, options: options, check)
        case .passwordAsk(let ask, let attempt)?:
            actions.append(.answer(ask, .password(finishPasswordCheck(attempt, match))))
        default:
            break
        }
    }

    /// A right password forgets the user name's failures and takes the attempt back from the
    /// address's; a wrong one stays counted.
    private mutating func finishPasswordCheck(_ attempt: LoginLimiter.Attempt, _ match: PasswordMatch) -> PasswordCheck {
        switch match {
        case .wrong:
            return .invalid
        case .right(let enabled):
            logins.succeeded(attempt)
            if sharedStream { actions.append(.forgetAttempt(user: attempt.user, address: attempt.address)) }
            return enabled ? .valid : .disabled
        }
    }
}
