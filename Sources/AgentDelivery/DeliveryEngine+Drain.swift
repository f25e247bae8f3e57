import Routes

extension DeliveryEngine {
    /// Whether `tab`'s user has a live call: a call of the back end (ringing, connected, held)
    /// or a web-phone call of the SIP edge. A draining gateway keeps such a tab until the call
    /// ends (`Drain`, docs/deploy.md §5).
    public func hasLiveCall(_ tab: TabID) -> Bool {
        guard let user = tabs[tab]?.user, let record = users[user] else { return false }
        return !record.calls.isEmpty || !record.phoneCalls.isEmpty
    }
}
