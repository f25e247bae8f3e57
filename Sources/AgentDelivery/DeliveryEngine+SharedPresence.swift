import Routes

/// The tab rules of docs/agent-protocol.md §4 between instances (docs/cluster.md §6.1): a tab
/// that joins here is announced on the user's channel (`TabJoined`); an announcement from another
/// instance logs out the tabs here of other browsers (`autologout`) and replaces the tab here with
/// the same browser tab id (4009), as a join here would.
extension DeliveryEngine {
    mutating func announceJoin(_ tab: TabID, user: String, browserTab: String?, autologout: Bool) {
        guard sharedStream else { return }
        let joined = TabJoined(instance: instance, address: address(of: tab), browserTab: browserTab,
                               autologout: autologout && settings.autologout)
        actions.append(.publishJoin(user: user, joined))
    }

    mutating func joinedElsewhere(_ user: String, _ joined: TabJoined) {
        guard joined.instance != instance, let here = users[user]?.tabs, !here.isEmpty else { return }
        if let browserTab = joined.browserTab, let old = here.first(where: { tabs[$0]?.browserTab == browserTab }) {
            count("tab_replaced")
            log("agent_tab_replaced", ["user": user, "peer": joined.address, "old_peer": address(of: old), "instance": joined.instance])
            actions.append(.close(old, code: .tabReplaced, reason: "this tab connected again"))
            tabs[old]?.user = nil
            users[user]?.tabs.removeAll { $0 == old }
        }
        if joined.autologout { logOutOtherBrowsers(user, address: joined.address, browserTab: joined.browserTab) }
        guard let left = users[user]?.tabs, left != here else { return }
        if left.isEmpty {
            // The user's tabs are elsewhere now: this instance lets go of the user as when its
            // last tab closes (the sign-out timer; a shared back end keeps the other instance's).
            detached[user] = time.milliseconds
            unfollow(user)
        } else {
            publishPresence(user)
            announcePrimary(user)
        }
    }
}
