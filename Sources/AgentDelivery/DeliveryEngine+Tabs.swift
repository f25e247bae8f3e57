import AgentProtocol

/// Tabs and users (docs/agent-protocol.md §4): every tab of a user hears the user's events; the
/// oldest is primary; a connection with the id of one of the user's browser tabs takes that
/// tab's place (4009 to the old one); `autologout` logs out the user's tabs in other browsers.
extension DeliveryEngine {
    mutating func open(_ tab: TabID, _ origin: TabOrigin) {
        tabs[tab] = TabRecord(origin: origin)
        send(.connect(version: settings.serverVersion), to: tab)
        send(.credentials, to: tab)
    }

    /// The tab is gone: it leaves its user, whose last tab starts the sign-out timer
    /// (`detachedLogoutSeconds`, or `closedLogoutSeconds` after a `logoutOnClose` login).
    mutating func close(_ tab: TabID) {
        guard let record = tabs.removeValue(forKey: tab), let user = record.user else { return }
        users[user]?.tabs.removeAll { $0 == tab }
        if users[user]?.tabs.isEmpty == true {
            detached[user] = time.milliseconds
            unfollow(user)
        } else {
            publishPresence(user)
            announcePrimary(user)
        }
    }

    /// The tab joins the user's tabs, at the end (the oldest is primary), or, when another of
    /// the user's connections has the same browser tab id, in that one's place, so a tab that
    /// reconnects is primary again at once if it was: the old connection, dead or not, leaves the
    /// user and is closed with 4009 (docs/agent-protocol.md §4, "Tab id"). With a shared engine
    /// the other instances hear of it (`announceJoin`), with `autologout` as the login asked.
    mutating func join(_ tab: TabID, user: String, browserTab: String?, autologout: Bool) {
        tabs[tab]?.user = user
        tabs[tab]?.browserTab = browserTab
        var record = takeRecord(user)
        let first = record.tabs.isEmpty
        if let browserTab, let place = record.tabs.firstIndex(where: { $0 != tab && tabs[$0]?.browserTab == browserTab }) {
            let old = record.tabs[place]
            record.tabs[place] = tab
            let joined = tabs[old]?.joined ?? time.unixMilliseconds
            tabs[tab]?.joined = joined
            tabs[old]?.user = nil
            count("tab_replaced")
            log("agent_tab_replaced", ["user": user, "peer": address(of: tab), "old_peer": address(of: old)])
            actions.append(.close(old, code: .tabReplaced, reason: "this tab connected again"))
        } else {
            // Never before the tabs already here, whatever the wall clock did: the order of the
            // join times is the order of `record.tabs`.
            let joined = max(time.unixMilliseconds, record.tabs.last.flatMap { tabs[$0]?.joined } ?? .min)
            tabs[tab]?.joined = joined
            record.tabs.append(tab)
        }
        if sharedStream && record.tabs == [tab] {
            actions.append(.follow(user: user))
            if record.epoch.isEmpty && !record.reading {
                // Where the stream ends now is where this instance's copy starts: an entry
                // published before the subscription takes effect then shows as a gap, and is read.
                record.reading = true
                actions.append(.readStream(user: user, after: .start, ticket: issue(.streamBase(user: user))))
            }
        }
        users[user] = record
        detached[user] = nil
        announceJoin(tab, user: user, browserTab: browserTab, autologout: autologout)
        publishPresence(user, ask: first)
    }

    /// The tab leaves its user but stays connected (logged out, or logged in elsewhere).
    mutating func drop(_ tab: TabID, from user: String) {
        tabs[tab]?.user = nil
        users[user]?.tabs.removeAll { $0 == tab }
        if users[user]?.tabs.isEmpty == true { unfollow(user) } else { publishPresence(user) }
        actions.append(.authenticated(tab, until: nil))
    }

    /// No tab of the user is left here: with a shared engine, stop following the user's channel
    /// and forget the copy, which is no longer kept up to date.
    mutating func unfollow(_ user: String) {
        guard sharedStream, users[user] != nil else { return }
        publishPresence(user)
        users[user]!.forgetStream(newWindow())
        actions.append(.unfollow(user: user))
    }

    /// `autologout` (docs/compatibility.md §1.2): the user's tabs in other browsers (other
    /// addresses) are logged out (`loginError` 3, then `credentials`); not this browser tab's old
    /// connection (the same `browserTab`, e.g. after a move from Wi-Fi to LTE), which `join`
    /// replaces. Only with `settings.autologout`.
    mutating func autologout(_ user: String, keeping tab: TabID, browserTab: String?) {
        guard settings.autologout else { return }
        logOutOtherBrowsers(user, address: address(of: tab), browserTab: browserTab)
    }

    /// Logs out the user's tabs here whose address is not `address` and whose browser tab id is
    /// not `browserTab`.
    mutating func logOutOtherBrowsers(_ user: String, address: String, browserTab: String?) {
        guard let others = users[user]?.tabs.filter({ other in
            self.address(of: other) != address && (browserTab == nil || tabs[other]?.browserTab != browserTab)
        }), !others.isEmpty else { return }
        for other in others {
            log("agent_autologout", ["user": user, "peer": self.address(of: other), "new_peer": address])
            count("autologout")
            drop(other, from: user)
            send(.loginError(code: .loggedInElsewhere, message: LoginErrorCode.loggedInElsewhere.defaultMessage), to: other)
            send(.credentials, to: other)
        }
    }

    func address(of tab: TabID) -> String {
        tabs[tab]?.origin.address ?? ""
    }
}
