/// The hub's tick (docs/agent-protocol.md §4, §2.1): ringing nobody acknowledged is sent again,
/// then the agent is unreachable; a user whose last tab went is signed out after
/// `detachedLogoutSeconds` (`closedLogoutSeconds` after a `logoutOnClose` login) unless a tab
/// attached meanwhile. Events older than `replayAgeSeconds` leave every user's replay window.
extension DeliveryEngine {
    mutating func tick() {
        retryClaims()
        tickPresence()
        var index = users.startIndex
        while index != users.endIndex {  // in place: a record read through a getter is a copy
            users.values[index].window.dropExpired(now: time.milliseconds)
            users.formIndex(after: &index)
        }
        for due in acks.due(now: time.milliseconds) {
            switch due {
            case .resend(let user, let seq):
                if let ringing = users[user]?.ringing, ringing.entry.seq == seq {
                    count("ringing_resent")
                    deliver(ringing.entry.bytes, to: users[user]!.tabs)
                    if sharedStream { actions.append(.publishResend(user: user, seq: seq)) }
                }
            case .unreachable(let user, let seq):
                count("agent_unreachable")
                log("agent_unreachable", ["user": user, "seq": "\(seq)"])
                users[user]?.ringing = nil
                ask(.unreachable(user: user), then: nil)
            }
        }
        for (user, since) in detached.sorted(by: { $0.key < $1.key }) {
            let closed = users[user]?.logoutOnClose == true
            let seconds = closed ? settings.closedLogoutSeconds : settings.detachedLogoutSeconds
            guard time.milliseconds >= since + UInt64(seconds) * 1_000 else { continue }
            detached[user] = nil
            users[user]?.logoutOnClose = false
            users[user]?.signedOut()
            log(closed ? "agent_closed_logout" : "agent_detached_logout", ["user": user])
            ask(.signOut(user: user), then: nil)
        }
    }
}

extension DeliveryEngine {
    /// Another instance resends the ringing event `seq` (docs/cluster.md §6.1): the user's tabs
    /// here get it again from this instance's copy. The waiting instance, which hears its own
    /// message, has resent it already.
    mutating func resendFromCopy(_ user: String, seq: UInt64) {
        guard let record = users[user], record.ringing?.entry.seq != seq, let entry = record.window.entry(seq: seq) else { return }
        count("ringing_resent")
        deliver(entry.bytes, to: record.tabs)
    }
}
