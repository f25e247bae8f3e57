import Routes

extension Switchboard {
    /// `callHistory`: the agent's ended calls matching `query`, newest first, as the agent saw
    /// them (with the account codes set since), at most `query.limit` of them, and how many
    /// match in all. The agent need not be signed in (the `report` channel asks for anyone with
    /// a valid token); an unknown user has no calls.
    public func callHistory(of username: String, _ query: CallHistoryQuery, now: Int64) -> (calls: [Call], total: Int) {
        guard let agent = agentRecords[username] else { return ([], 0) }
        var calls: [Call] = []
        var total = 0
        for uniqueid in agent.recent.reversed() {
            guard let record = ended[uniqueid] else { continue }
            let call = view(record, for: username, now: now)
            guard query.matches(call) else { continue }
            total += 1
            if calls.count < query.limit { calls.append(call) }
        }
        return (calls, total)
    }
}
