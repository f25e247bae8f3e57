/// What the Switchboard's sweeps over every agent (at the end of each operation and on each
/// tick) do to one record. They are `mutating` so that a sweep reaches each record in place,
/// `agentRecords.values[index].method()`, through `Dictionary.Values`' modify accessor:
/// reading a record through a getter, `agentRecords[name]` or `values[index]` alike, copies it
/// whole (a retain and a release per stored reference), and with thousands of agents those copies
/// were most of an operation's cost (bench/soak.sh, docs/benchmarks.md).
extension AgentRecord {
    /// Counts status time up to `time` when signed in (`settle(to:)`).
    mutating func settleIfSignedIn(to time: Int64) {
        if signedIn { settle(to: time) }
    }

    /// The calls waiting in the incoming queues the agent is a member of, given the calls
    /// waiting per queue id.
    func waitingCallers(in perQueue: [Int: Int]) -> Int {
        guard !perQueue.isEmpty else { return 0 }
        return user.queues.reduce(0) { sum, membership in
            sum + (membership.value.type == .incoming ? perQueue[membership.key] ?? 0 : 0)
        }
    }

    /// When signed in and the waiting count differs from the one the agent was last told:
    /// remembers it and returns it (to be sent); otherwise nil.
    mutating func noteWaitingCallers(in perQueue: [Int: Int]) -> Int? {
        guard signedIn else { return nil }
        let count = waitingCallers(in: perQueue)
        guard count != waitingSeen else { return nil }
        waitingSeen = count
        return count
    }

    /// The end of the agent's ACW when it is due by `now`; nil otherwise. `mutating` only to be
    /// read in place (it changes nothing).
    mutating func acwDue(by now: Int64) -> Int64? {
        guard let until = acwUntil, until <= now else { return nil }
        return until
    }
}
