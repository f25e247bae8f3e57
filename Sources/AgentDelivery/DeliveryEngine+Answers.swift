import CallControlMessages
import AuthSchemes

/// Answers the engine waited for (`Ticket`): each goes to the rest of the flow that asked
/// (`Pending`). A flow whose tab has gone meanwhile ends quietly.
extension DeliveryEngine {
    mutating func answered(_ ticket: Ticket, _ answer: CallControlAnswer) {
        guard let next = pending.removeValue(forKey: ticket) else { return }
        switch next {
        case .signIn(let tab, let id, let user, let purpose):
            signedIn(answer, tab: tab, id: id, user: user, purpose: purpose)
        case .command(let tab, let id, let user, let key):
            commandAnswered(answer, tab: tab, id: id, user: user, idempotencyKey: key)
        case .logout(let tab, let id, let user):
            loggedOut(answer, tab: tab, id: id, user: user)
        case .attachSnapshot(let tab, let user):
            attachSnapshot(answer, tab: tab, user: user)
        case .clickLookup(let ask, let request, let caller):
            clickLookedUp(answer, ask: ask, request: request, caller: caller)
        case .clickDial(let ask, let user, let dialect, let key):
            clickDialed(answer, ask: ask, user: user, dialect: dialect, key: key)
        case .deviceLookup(let ask, let event, let caller):
            deviceLookedUp(answer, ask: ask, event: event, caller: caller)
        case .refresh(let user):
            refreshed(answer, user: user)
        case .publish(var values):
            guard case .party(let party?) = answer else { return }
            values.localParty = party.party
            values.localAlias = party.alias
            actions.append(.publish(values))
        case .login, .passwordAsk, .sso, .attach, .appended, .streamGap, .streamBase, .attachRead, .dialClaim, .clickClaim, .sharedAttempt, .lastCallers:
            // Answered by `passwordChecked`, `credentialChecked` and the shared engine, never by the back end.
            break
        }
    }

    mutating func credentialChecked(_ ticket: Ticket, _ result: Result<VerifiedCredential, AuthError>) {
        switch pending.removeValue(forKey: ticket) {
        case .sso(let tab, let id, let username, let provider, let options)? where tabs[tab] != nil:
            ssoChecked(result, tab: tab, id: id, username: username, provider: provider, options: options)
        case .attach(let tab, let id, let position, let browserTab)? where tabs[tab] != nil:
            attachVerified(result, tab: tab, id: id, position: position, browserTab: browserTab)
        default:
            break
        }
    }

    /// Why an answer was not the one asked for, for an error text.
    static func failure(_ answer: CallControlAnswer) -> String {
        if case .failed(let error) = answer { return error.text }
        return CallControlError.unexpectedAnswer.text
    }
}
