import ClickToCall
import CallControlMessages

/// Click-to-call (docs/click-to-call.md §1): the agent resolved (`ClickToCallResolution`), the
/// same click within `clickToCall.dedupSeconds` answered with the first call (`DialDedupKey`; a
/// repeat while the first is being placed waits for it), the agent required READY, and the dial
/// placed from the agent's phone, so every tab sees the call as for a `dial`.
extension DeliveryEngine {
    mutating func clickToCall(_ ask: AskID, _ request: ClickToCallRequest, caller: ClickToCallCaller) {
        let lookups = ClickToCallResolution.lookups(request.dial.agent, caller: caller)
        if lookups.isEmpty {
            clickResolved(ask, request, ClickToCallResolution.resolve(request.dial.agent, caller: caller, found: []))
        } else {
            self.ask(.lookUp(lookups), then: .clickLookup(ask, request, caller: caller))
        }
    }

    mutating func clickLookedUp(_ answer: CallControlAnswer, ask: AskID, request: ClickToCallRequest, caller: ClickToCallCaller) {
        let lookups = ClickToCallResolution.lookups(request.dial.agent, caller: caller)
        guard case .found(let found) = answer, found.count == lookups.count else {
            actions.append(.answer(ask, .clickToCall(.failure(.backendFailed(Self.failure(answer))))))
            return
        }
        clickResolved(ask, request, ClickToCallResolution.resolve(request.dial.agent, caller: caller, found: found))
    }

    private mutating func clickResolved(_ ask: AskID, _ request: ClickToCallRequest, _ resolved: Result<String, ClickToCallError>) {
        let user: String
        switch resolved {
        case .success(let found): user = found
        case .failure(let error):
            actions.append(.answer(ask, .clickToCall(.failure(error))))
            return
        }
        let key = DialDedupKey(user: user, dial: request.dial)
        if let first = clickDials.value(user: key.user, key: key.key, now: time.milliseconds) {
            count("deduplicated", channel: "clicktocall")
            actions.append(.answer(ask, .clickToCall(.success(first))))
            return
        }
        if clicksUnderWay[key] != nil {
            count("deduplicated", channel: "clicktocall")
            clicksUnderWay[key]!.append(ask)
            return
        }
        guard users[user]?.state == .ready else {
            actions.append(.answer(ask, .clickToCall(.failure(.agentUnavailable("\(user) is not signed in with a phone")))))
            return
        }
        clicksUnderWay[key] = []
        if sharedStream {
            claim(Self.clickClaimKey(key), ttlMilliseconds: Int(clickDedupMilliseconds), then: .clickClaim(ask, user: user, request: request, key: key))
            return
        }
        placeClick(ask, user: user, request: request, key: key)
    }

    mutating func placeClick(_ ask: AskID, user: String, request: ClickToCallRequest, key: DialDedupKey) {
        self.ask(.execute(user: user, command: .dial(request.dial.params(dialect: request.dialect))),
                 then: .clickDial(ask, user: user, dialect: request.dialect, key: key))
    }

    /// The dial's answer, for the click and the repeats that waited for it; a placed call is
    /// remembered for the dedup window.
    mutating func clickDialed(_ answer: CallControlAnswer, ask: AskID, user: String, dialect: ClickToCallDialect, key: DialDedupKey) {
        let outcome: Result<String, ClickToCallError>
        switch answer {
        case .executed(.fields(let fields)):
            if case .string(let uniqueid)? = fields["uniqueid"] {
                clickDials.remember(uniqueid, user: key.user, key: key.key, now: time.milliseconds)
                log("click_to_call", ["user": user, "dialect": dialect.rawValue, "uniqueid": uniqueid])
                outcome = .success(uniqueid)
            } else {
                outcome = .failure(.backendFailed("the dial was not given a call id"))
            }
        case .failed(let error):
            outcome = .failure(error.httpStatus == 400 ? .numberNotDialable(error.text) : .agentUnavailable(error.text))
        default:
            outcome = .failure(.backendFailed("the dial was not given a call id"))
        }
        if sharedStream {
            if case .success(let uniqueid) = outcome {
                actions.append(.settle(key: Self.clickClaimKey(key), value: Array(uniqueid.utf8), ttlMilliseconds: Int(clickDedupMilliseconds)))
            } else {
                actions.append(.release(key: Self.clickClaimKey(key)))
            }
        }
        answerClicks(ask, key: key, outcome)
    }

    /// The click and the repeats that waited for it.
    mutating func answerClicks(_ ask: AskID, key: DialDedupKey, _ outcome: Result<String, ClickToCallError>) {
        for waiting in [ask] + (clicksUnderWay.removeValue(forKey: key) ?? []) {
            actions.append(.answer(waiting, .clickToCall(outcome)))
        }
    }
}
