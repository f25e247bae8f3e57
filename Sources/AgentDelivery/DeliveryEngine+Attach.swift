import AgentProtocol
import CallControlMessages
import AuthSchemes
import MuxEnvelope

/// `attach` (docs/agent-protocol.md §4): a session token (or the upgrade's credential) re-joins
/// the user's event stream after `lastSeq`, with the missed events (`complete: true`) or a fresh
/// state (`complete: false`); a user signed out meanwhile is signed in afresh. A Vodia popup token
/// (scope `makecall`) restricts the tab to its number (§2.3). With a shared engine the tab's
/// position carries the stream's `epoch`, and what this instance's copy cannot answer is read
/// from the shared stream (`DeliveryEngine+SharedStream.swift`).
extension DeliveryEngine {
    mutating func attach(_ tab: TabID, id: RequestID, position: StreamPosition, token: String?, browserTab: String?) {
        guard let token else {
            let verified: Result<VerifiedCredential, AuthError> = tabs[tab]?.origin.upgradeIdentity
                .map { .success(VerifiedCredential(identity: $0)) } ?? .failure(.missingCredential)
            attachVerified(verified, tab: tab, id: id, position: position, browserTab: browserTab)
            return
        }
        let ticket = issue(.attach(tab, id, position: position, browserTab: browserTab))
        actions.append(.verify(ticket, .sessionToken(token), address: address(of: tab)))
    }

    mutating func attachVerified(_ verified: Result<VerifiedCredential, AuthError>, tab: TabID, id: RequestID,
                                 position: StreamPosition, browserTab: String?) {
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
                then: .signIn(tab, id, user: user, purpose: .attach(expires: credential.identity.expires, browserTab: browserTab,
                                                                     position: position)))
            return
        }
        autologout(user, keeping: tab, browserTab: browserTab)
        join(tab, user: user, browserTab: browserTab, autologout: true)
        actions.append(.authenticated(tab, until: credential.identity.expires))
        if let missed = replayHere(user, after: position) {
            replayed(tab, id: id, user: user, state: state, missed)
        } else if sharedStream {
            // Held back from live events until the shared stream answers, so they follow the replay.
            tabs[tab]?.catchingUp = true
            actions.append(.readStream(user: user, after: position,
                                       ticket: issue(.attachRead(tab, id, user: user, state: state, position: position))))
        } else {
            attachIncomplete(tab, id: id, user: user, state: state)
        }
    }

    /// The events after `position` from this instance's copy of the stream (the whole stream
    /// without a shared engine), or nil when it does not hold all of them: another epoch, a gap
    /// being filled, evicted, or a tombstone among them.
    mutating func replayHere(_ user: String, after position: StreamPosition) -> [ReplayWindow.Entry]? {
        guard var record = users[user] else { return nil }
        if sharedStream {
            guard !record.epoch.isEmpty, !record.reading, position.epoch == record.epoch || position == .start else { return nil }
        }
        let replay = record.window.replay(after: position.seq, now: time.milliseconds)
        users[user] = record
        guard case .complete(let missed) = replay, !missed.contains(where: { $0.bytes.isEmpty }) else { return nil }
        return missed
    }

    /// `complete: true`, then the missed events.
    mutating func replayed(_ tab: TabID, id: RequestID, user: String, state: AgentState, _ missed: [ReplayWindow.Entry]) {
        reply(tab, .attached(id: id, state: state, lastSeq: lastSeq(of: user), complete: true, epoch: epoch(of: user)))
        for entry in missed { deliver(entry.bytes, to: [tab]) }
        attached(user)
    }

    /// `complete: false`, then a fresh state.
    mutating func attachIncomplete(_ tab: TabID, id: RequestID, user: String, state: AgentState) {
        count("attach_incomplete")
        reply(tab, .attached(id: id, state: state, lastSeq: lastSeq(of: user), complete: false, epoch: epoch(of: user)))
        ask(.snapshot(user: user), then: .attachSnapshot(tab, user: user))
    }

    /// The fresh state of an `attach` that could not replay: `ready` with the user's `lastSeq`
    /// for a READY user, else `user` and `identify`.
    mutating func attachSnapshot(_ answer: CallControlAnswer, tab: TabID, user: String) {
        sendFreshState(answer, to: [tab], user: user)
        attached(user)
    }

    /// `ready` stamped with where the stream stands, or `user` and `identify`, to each of `tabs`
    /// still the user's.
    mutating func sendFreshState(_ answer: CallControlAnswer, to tabs: [TabID], user: String) {
        guard case .snapshot(let snapshot?) = answer else { return }
        for tab in tabs where self.tabs[tab]?.user == user {
            if users[user]?.state == .ready {
                send(.ready(stamped(snapshot, user: user)), to: tab)
            } else {
                send(.user(snapshot.user), to: tab)
                send(.identify(identificators: []), to: tab)
            }
        }
    }

    mutating func attached(_ user: String) {
        count("attached")
        announcePrimary(user)
    }
}
