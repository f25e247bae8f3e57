import AgentProtocol
import JSON

/// Call history (docs/agent-protocol.md §4.1): each agent's entry for a call is the agent's own
/// leg, the Call as the agent saw it when their part ended (`hangUp(_:leg:)`): their direction,
/// counterpart, cause and times. After a blind transfer the transferring agent's entry is the
/// call with the party they transferred, cause 8 and the time they let go, whoever the call went
/// on with; after a consultative transfer they have two entries, the held call and their
/// consultation, each as they saw it. Account codes are the call's: set on the leg, or later on
/// the call (also while it goes on without the agent), they show in every agent's entry.
extension Switchboard {
    /// The members of a Call's `data` that `setAccountCode` writes.
    static let accountCodeKeys = ["accountCodes", "accountCode", "subAccountCode"]

    /// `username`'s part of a call is over: `callHangup` with `leg` (the Call as they saw it
    /// last), which is also kept as their history entry for the call.
    func hangUp(_ username: String, leg: Call) {
        agentRecords[username]?.remember(leg, keeping: settings.historyCalls)
        emit(username, .callHangup(leg))
    }

    /// `callHistory`: the agent's ended calls matching `query`, newest first, as the agent saw
    /// them (with the account codes set since), at most `query.limit` of them, and how many
    /// match in all. The agent need not be signed in (the `report` channel asks for anyone with
    /// a valid token); an unknown user has no calls.
    public func callHistory(of username: String, _ query: CallHistoryQuery, now: Int64) -> (calls: [Call], total: Int) {
        guard let agent = agentRecords[username] else { return ([], 0) }
        var calls: [Call] = []
        var total = 0
        for leg in agent.history.reversed() {
            var call = leg
            call.now = now
            if let data = callData(leg.uniqueid) {
                for key in Self.accountCodeKeys { call.data[key] = data[key] }
            }
            guard query.matches(call) else { continue }
            total += 1
            if calls.count < query.limit { calls.append(call) }
        }
        return (calls, total)
    }

    /// The call `uniqueid` is now: live (following the aliases a consultative transfer made) or
    /// among the ended calls kept.
    enum Whereabouts {
        case live(String)
        case ended(String)
    }

    func whereabouts(of uniqueid: String) -> Whereabouts? {
        if let live = record(uniqueid) { return .live(live.uniqueid) }
        var id = uniqueid
        var hops = 0
        while let next = aliases[id], hops < 16 {
            id = next
            hops += 1
        }
        if ended[id] != nil { return .ended(id) }
        return ended[uniqueid] != nil ? .ended(uniqueid) : nil
    }

    /// The call's `data` now, wherever it is.
    func callData(_ uniqueid: String) -> [String: JSONValue]? {
        switch whereabouts(of: uniqueid) {
        case .live(let id)?: records[id]?.data
        case .ended(let id)?: ended[id]?.data
        case nil: nil
        }
    }
}
