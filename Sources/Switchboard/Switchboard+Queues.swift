import AgentProtocol

/// Queue distribution.
///
/// A call to an incoming queue is offered to one available member at a time: signed in and
/// READY (session), status READY, no call (of its own, nor one that makes it `busy`), member of
/// the queue and not suspended in it. The
/// lowest `priority` value goes first, then the longest idle (no call since the earliest), then
/// the username. An agent offered the call in the current round is not offered it again until
/// every available member has been; when the only available member is one already offered, a
/// new round starts with them. Waiting calls are offered oldest first, across queues.
///
/// `waitingCallers` counts the calls waiting in a queue for an agent (not those ringing at
/// one); a user's count is the sum over the incoming queues they are a member of, and a change
/// is sent to each signed-in member (`waitingCallersChange`) at the end of the operation.
extension Switchboard {
    func isAvailable(_ agent: AgentRecord, for queueID: Int) -> Bool {
        guard agent.state == .ready, agent.user.status == .ready, agent.calls.isEmpty, !agent.busy,
              let membership = agent.user.queues[queueID] else { return false }
        return !membership.suspended
    }

    func distribute(now: Int64) {
        let waiting = records.values.filter(\.isWaiting).sorted { $0.order < $1.order }
        for record in waiting {
            guard let queueID = record.queueID else { continue }
            let candidates = agentRecords.values.filter { isAvailable($0, for: queueID) }
            guard !candidates.isEmpty else { continue }
            var fresh = candidates.filter { !record.offered.contains($0.profile.username) }
            if fresh.isEmpty {
                records[record.uniqueid]!.offered = []
                fresh = candidates
            }
            let chosen = fresh.min { a, b in
                let pa = a.user.queues[queueID]!.priority, pb = b.user.queues[queueID]!.priority
                return (pa, a.idleSince, a.profile.username) < (pb, b.idleSince, b.profile.username)
            }!
            ring(record.uniqueid, at: chosen.profile.username, now: now)
        }
    }

    /// Calls waiting in any queue for an agent.
    public var waitingCallers: Int {
        records.values.filter(\.isWaiting).count
    }

    /// Live calls (ringing, connected or held, and those waiting in a queue).
    public var liveCalls: Int { records.count }

    func waitingCallers(for username: String) -> Int {
        agentRecords[username]?.waitingCallers(in: waitingPerQueue()) ?? 0
    }

    /// Calls waiting, per queue id: counted once per operation, not once per agent (with
    /// thousands of agents the per-agent count made every operation cost agents × calls).
    func waitingPerQueue() -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for record in records.values where record.isWaiting { counts[record.queueID!, default: 0] += 1 }
        return counts
    }

    func refreshWaiting() {
        let perQueue = waitingPerQueue()
        for profile in directory.users {
            // In place (AgentRecord+Sweep.swift).
            guard let index = agentRecords.index(forKey: profile.username),
                  let count = agentRecords.values[index].noteWaitingCallers(in: perQueue) else { continue }
            emit(profile.username, .waitingCallersChange(waitingCallers: count))
        }
    }

    /// Rings `username` with the call: it becomes the callee; `callNew` (state new) then
    /// `callRinging` to them, and `callRinging` to an agent caller.
    func ring(_ uniqueid: String, at username: String, now: Int64) {
        guard var record = records[uniqueid] else { return }
        record.callee = endpoint(of: username)
        record.state = .ringing
        record.ringStart = now
        record.calleeMuted = false
        record.offered.insert(username)
        records[uniqueid] = record
        agentRecords[username]!.calls.append(uniqueid)
        var fresh = view(record, for: username, now: now)
        fresh.state = .new
        emit(username, .callNew(fresh))
        emitCall(record, now: now) { .callRinging($0) }
    }

    /// The callee agent's ringing leg ends with `cause` (no answer, rejected, unreachable,
    /// signed out). A queue call goes back to waiting, ahead of later calls, and is offered to
    /// the next agent at the end of the operation; a direct call ends with that cause.
    func withdraw(_ uniqueid: String, cause: HangupCause, now: Int64) {
        guard var record = records[uniqueid], let name = record.callee?.username else { return }
        guard record.queueID != nil else {
            endCall(uniqueid, cause: cause, now: now)
            return
        }
        countRing(&record, name, answered: false, now: now)
        record.counted.remove(name)   // a later offer to the same agent is counted again
        var last = view(record, for: name, now: now)
        last.state = .hangup
        last.cause = cause
        last.disconnected = now
        record.callee = nil
        record.ringStart = nil
        records[uniqueid] = record
        hangUp(name, leg: last)
        leave(name, uniqueid, talked: false, now: now)
    }
}
