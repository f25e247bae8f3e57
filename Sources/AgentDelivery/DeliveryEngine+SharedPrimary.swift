import AgentProtocol

/// The primary tab (docs/agent-protocol.md §4): one tab of a user is primary, the oldest, and
/// every tab is told how many the user has. With a shared engine the user's tabs may be on several
/// instances (docs/cluster.md §6.7): each instance publishes its tabs of the user whenever they
/// change (`TabPresence`: how many, and when the oldest joined) and keeps the others' view; the
/// primary is the oldest tab of the instance whose oldest tab joined first (ties: the lower
/// instance name), which every instance works out alike without a lock. An instance that is
/// silent (no heartbeat, no presence) for `presenceTimeoutMilliseconds` is gone: its tabs stop
/// counting and, if it held the primary, the next oldest tab anywhere takes over. Without a
/// shared engine there is no view of others: the oldest tab here is primary.
extension DeliveryEngine {
    /// Tells every tab of `user` here whether it is the primary one and how many tabs the user
    /// has on every instance. `onlyChanged`: only the tabs for which either changed (a change
    /// heard from another instance).
    mutating func announcePrimary(_ user: String, onlyChanged: Bool = false) {
        guard let record = users[user], !record.tabs.isEmpty else { return }
        // Just asked the others for their tabs: their answers are awaited before a tab here is told.
        if let asked = record.askedAt, time.milliseconds < asked + UInt64(settings.presenceAnswerMilliseconds) { return }
        let others = record.elsewhere.values
        let total = record.tabs.count + others.reduce(0) { $0 + $1.tabs }
        let here = presence(of: user, ask: false)
        let primaryHere = others.allSatisfy { here.precedes($0) }
        for (index, tab) in record.tabs.enumerated() {
            let state = TabRecord.PrimaryState(primary: primaryHere && index == 0, tabs: total)
            if onlyChanged && tabs[tab]?.announced == state { continue }
            tabs[tab]?.announced = state
            send(.primary(primary: state.primary, tabs: state.tabs), to: tab)
        }
    }

    /// This instance's tabs of `user` as the others see them.
    func presence(of user: String, ask: Bool) -> TabPresence {
        let here = users[user]?.tabs ?? []
        return TabPresence(instance: instance, tabs: here.count, firstJoined: here.first.flatMap { tabs[$0]?.joined } ?? 0, ask: ask)
    }

    /// With a shared engine, tells the instances following `user` what tabs of the user are here;
    /// `ask`: and asks them for theirs (this instance begins to follow the user).
    mutating func publishPresence(_ user: String, ask: Bool = false) {
        guard sharedStream, users[user] != nil else { return }
        if ask {
            users[user]!.askedAt = time.milliseconds
            users[user]!.unconfirmed = Set(users[user]!.elsewhere.keys)
        }
        actions.append(.publishPresence(user: user, presence(of: user, ask: ask)))
    }

    /// Another instance's tabs of `user` (this instance's own come back and are skipped): kept,
    /// answered with this instance's when asked or when that instance was not in the view yet,
    /// and the tabs here told what changed for them.
    mutating func presenceHeard(_ user: String, _ presence: TabPresence) {
        guard presence.instance != instance else { return }
        instancesHeard[presence.instance] = time.milliseconds
        guard sharedStream, let record = users[user], !record.tabs.isEmpty else { return }
        let known = record.elsewhere[presence.instance] != nil
        users[user]!.elsewhere[presence.instance] = presence.tabs > 0 ? presence : nil
        users[user]!.unconfirmed.remove(presence.instance)
        if presence.tabs > 0 && (presence.ask || !known) { publishPresence(user) }
        announcePrimary(user, onlyChanged: true)
    }

    mutating func heard(_ other: String) {
        if other != instance { instancesHeard[other] = time.milliseconds }
    }

    /// At each tick: this instance's heartbeat when due; the tabs of instances silent for
    /// `presenceTimeoutMilliseconds`, and those no instance confirmed after an ask, stop counting;
    /// `presenceAnswerMilliseconds` after an ask, the tabs here are told what they are.
    mutating func tickPresence() {
        guard sharedStream else { return }
        let now = time.milliseconds, timeout = UInt64(settings.presenceTimeoutMilliseconds)
        if now >= nextHeartbeat {
            nextHeartbeat = now + UInt64(settings.presenceHeartbeatMilliseconds)
            actions.append(.publishHeartbeat)
        }
        let gone = Set(instancesHeard.filter { now >= $0.value + timeout }.keys)
        for other in gone { instancesHeard[other] = nil }
        for user in users.compactMap({ !$0.value.elsewhere.isEmpty || $0.value.askedAt != nil ? $0.key : nil }).sorted() {
            let record = users[user]!
            var left = record.elsewhere.filter { !gone.contains($0.key) }
            var answered = false
            if let asked = record.askedAt {
                answered = now >= asked + UInt64(settings.presenceAnswerMilliseconds)
                if now >= asked + timeout {
                    left = left.filter { !record.unconfirmed.contains($0.key) }
                    users[user]!.askedAt = nil
                    users[user]!.unconfirmed = []
                }
            }
            guard answered || left.count != record.elsewhere.count else { continue }
            for other in record.elsewhere.keys.sorted() where left[other] == nil {
                count("instance_tabs_expired")
                log("agent_tabs_expired", ["user": user, "instance": other, "tabs": "\(record.elsewhere[other]!.tabs)"])
            }
            users[user]!.elsewhere = left
            announcePrimary(user, onlyChanged: true)
        }
    }
}
