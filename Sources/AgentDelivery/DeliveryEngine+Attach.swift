import Routes

/// `attach` (docs/agent-protocol.md §4): a session token (or the upgrade's credential) re-joins
/// the user's event stream after `lastSeq`, with the missed events (`complete: true`) or a fresh
/// state (`complete: false`); a user signed out meanwhile is signed in afresh. A Vodia popup token
/// (scope `makecall`) restricts the tab to its number (§2.3).
extension DeliveryEngine {
    mutating func attach(_ tab: TabID, id: RequestID, lastSeq: UInt64, token: String?, browserTab: String?) {
        guard let token else {
            let verified: Result<VerifiedCredential, AuthError> = tabs[tab]?.origin.upgradeIdentity
                .map { .success(VerifiedCredential(identity: $0)) } ?? .failure(.missingCredential)
            attachVerified(verified, tab: tab, id: id, lastSeq: lastSeq, browserTab: browserTab)
            return
        }
        let ticket = issue(.attach(tab, id, lastSeq: lastSeq, browserTab: browserTab))
        actions.append(.verify(ticket, .sessionToken(token), address: address(of: tab)))
    }

    mutating func attachVerified(_ verified: Result<VerifiedCredential, AuthError>, tab: TabID, id: RequestID, lastSeq: UInt64,
                                 browserTab: String?) {
        let credential: VerifiedCredential
        switch verified {
        case .success(let value): credential = value
        case .failure(let error):
            refuseLogin(tab, id: id, code: .invalidSessionToken, reason: error.reason)
            return
        }
        let user = credential.identity.user
        tabs[tab]?.restriction = credential.restriction
        guard let state = users[user]?.state, state != .credentials else {
            // Signed out since (no tab for too long, or a restart): sign in afresh.
            ask(.signIn(user: user, identifiers: tabs[tab]?.origin.identifiers ?? []),
                then: .signIn(tab, id, user: user, purpose: .attach(expires: credential.identity.expires, browserTab: browserTab)))
            return
        }
        autologout(user, keeping: tab, browserTab: browserTab)
        join(tab, user: user, browserTab: browserTab)
        actions.append(.authenticated(tab, until: credential.identity.expires))
        switch users[user]!.window.replay(after: lastSeq, now: time.milliseconds) {
        case .complete(let missed):
            reply(tab, .attached(id: id, state: state, lastSeq: self.lastSeq(of: user), complete: true))
            for entry in missed { deliver(entry.bytes, to: [tab]) }
            attached(user)
        case .incomplete:
            count("attach_incomplete")
            reply(tab, .attached(id: id, state: state, lastSeq: self.lastSeq(of: user), complete: false))
            ask(.snapshot(user: user), then: .attachSnapshot(tab, user: user))
        }
    }

    /// The fresh state of an `attach` that could not replay: `ready` with the user's `lastSeq`
    /// for a READY user, else `user` and `identify`.
    mutating func attachSnapshot(_ answer: CallControlAnswer, tab: TabID, user: String) {
        if tabs[tab]?.user == user, case .snapshot(var snapshot?) = answer {
            if users[user]?.state == .ready {
                snapshot.lastSeq = lastSeq(of: user)
                send(.ready(snapshot), to: tab)
            } else {
                send(.user(snapshot.user), to: tab)
                send(.identify(identificators: []), to: tab)
            }
        }
        attached(user)
    }

    private mutating func attached(_ user: String) {
        count("attached")
        announcePrimary(user)
    }
}
