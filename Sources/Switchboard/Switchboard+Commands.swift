import AgentProtocol
import CallControlMessages
import JSON

extension Switchboard {
    /// Carries out an agent command for `username`: every `AgentCommand` except `login`, `sso`,
    /// `attach`, `ack` and `ping`, which are the gateway's (`unsupportedCommand`). The caller has
    /// checked `AgentMethod.allowedStates` against `state(of:)`. A user not signed in is
    /// refused (`notSignedIn`), `notify` included: its `message` event is addressed to a
    /// signed-in user. Replies are `.ok` except `dial` and `transfer` with a number
    /// (`["uniqueid": …]` of the new call) and `state`.
    public func execute(_ command: AgentCommand, for username: String, now: Int64) throws(SwitchboardError) -> CallControlReply {
        _ = try signedInAgent(username)
        advance(to: now)
        defer { settleQueues(now: now) }
        switch command {
        case .login, .sso, .attach, .ack, .ping:
            throw .unsupportedCommand
        case .logout:
            signOut(username, now: now)
        case .selectIdentifier(let identifier):
            try selectIdentifier(username, identifier)
        case .provision:
            try provision(username, now: now)
        case .identify:
            try identify(username)
        case .changeStatus(let status, let reason):
            try changeStatus(username, status, reason: reason, now: now)
        case .suspend(let queue):
            try setSuspended(username, queue: queue, true)
        case .resume(let queue):
            try setSuspended(username, queue: queue, false)
        case .answer:
            try answer(username, now: now)
        case .dial(let params):
            let agent = agentRecords[username]!
            guard agent.calls.isEmpty || (agent.transferMode && agent.calls.count == 1) else { throw .callInProgress }
            let uniqueid = try dial(username, params, now: now)
            agentRecords[username]!.transferMode = false
            return .fields(["uniqueid": .string(uniqueid)])
        case .hangup:
            try hangup(username, now: now)
        case .transfer(let number):
            return try transfer(username, number: number, now: now)
        case .finishTransfer:
            try finishTransfer(username, now: now)
        case .blindTransfer(let number):
            try blindTransfer(username, number: number, now: now)
        case .hold:
            try hold(username, now: now)
        case .unhold:
            try unhold(username, now: now)
        case .mute:
            try mute(username, now: now)
        case .notify(let params):
            emit(username, .message(AgentMessage(message: params.title, type: params.type, group: params.group, data: params.other)))
        case .state:
            var state = snapshot(of: username, now: now)!
            state.ringingSound = agentRecords[username]!.ringingSound
            return .state(state)
        case .setAccountCode(let params):
            try setAccountCode(username, params)
        case .selectRingingSound(let sound):
            agentRecords[username]!.ringingSound = sound
        case .callHistory(let query):
            let page = callHistory(of: username, query, now: now)
            return .callHistory(calls: page.calls, total: page.total)
        case .dtmf(let digits):
            try sendDTMF(username, digits)
        }
        return .ok
    }

    /// `changeStatus`: AUX needs a reason from `auxReasons` when that list is not empty
    /// (`unknownReason`); other statuses drop the reason. `stateChange` only when the status or
    /// reason changes. Leaving ACW by hand cancels its timer; ACW chosen by hand has none.
    func changeStatus(_ username: String, _ status: AgentStatus, reason: String?, now: Int64) throws(SwitchboardError) {
        if status == .aux, !directory.auxReasons.isEmpty {
            guard let reason, directory.auxReasons.contains(reason) else { throw .unknownReason }
        }
        if status == .ready, agentRecords[username]!.user.status != .ready, agentRecords[username]!.calls.isEmpty {
            agentRecords[username]!.idleSince = now
        }
        setStatus(username, status, reason: reason)
    }

    /// `suspend`/`resume`: `agentSuspend`/`agentResume` when the membership changes.
    func setSuspended(_ username: String, queue: Int, _ suspended: Bool) throws(SwitchboardError) {
        guard directory.queue(id: queue) != nil else { throw .unknownQueue }
        guard let membership = agentRecords[username]!.user.queues[queue] else { throw .notQueueMember }
        guard membership.suspended != suspended else { return }
        agentRecords[username]!.user.queues[queue]!.suspended = suspended
        emit(username, suspended ? .agentSuspend(queueId: queue) : .agentResume(queueId: queue))
    }

    /// `setAccountCode`: on one of the agent's calls, live, or among their last `historyCalls`
    /// ended legs (also a call that goes on without them after a transfer); `unknownCall`
    /// otherwise. docs/compatibility.md §1.4: `override` true replaces the call's account codes with this one,
    /// false (the default) adds it to them. Stored in the call's `data` as `accountCodes`, a list
    /// of `{"accountCode","subAccountCode"}` (null when not given), and the latest as
    /// `accountCode` and `subAccountCode`. Nothing is emitted; the next event of a live call
    /// carries the data, and the history shows it.
    func setAccountCode(_ username: String, _ params: AccountCodeParams) throws(SwitchboardError) {
        let agent = agentRecords[username]!
        let inCall = record(params.uniqueid)?.agents.contains(username) == true
        guard inCall || agent.hadLeg(params.uniqueid), let place = whereabouts(of: params.uniqueid),
              var data = callData(params.uniqueid) else { throw .unknownCall }
        let code = JSONValue.string(params.accountCode)
        let subCode = params.subAccountCode.map { JSONValue.string($0) } ?? .null
        var codes: [JSONValue] = []
        if !params.override, case .array(let existing)? = data["accountCodes"] { codes = existing }
        codes.append(.object(["accountCode": code, "subAccountCode": subCode]))
        data["accountCodes"] = .array(codes)
        data["accountCode"] = code
        data["subAccountCode"] = subCode
        switch place {
        case .live(let id): records[id]!.data = data
        case .ended(let id): ended[id]!.data = data
        }
    }

    /// No tab acknowledged the ringing: the call ringing at the agent is withdrawn (a queue call
    /// goes to the next agent, a direct call ends with cause unavailable), and the agent's status
    /// becomes AUX with `unreachableReason` (not checked against `auxReasons`).
    public func unreachable(_ username: String, now: Int64) {
        guard let agent = agentRecords[username], agent.signedIn else { return }
        advance(to: now)
        if let uniqueid = agent.current, let record = records[uniqueid], record.state == .ringing, record.isCallee(username) {
            withdraw(uniqueid, cause: .unavailable, now: now)
        }
        setStatus(username, .aux, reason: settings.unreachableReason)
        settleQueues(now: now)
    }

    /// A call the Switchboard does not carry (the web phone's, relayed by the SIP edge,
    /// docs/sip-edge.md §3) occupies `username` (`busy` true) or no longer does. While busy the
    /// agent is offered no queue call and a direct call to them is busy (cause 1); their status
    /// does not change and nothing is emitted. When it ends, waiting calls may be offered to them.
    public func setBusy(_ username: String, _ busy: Bool, now: Int64) {
        guard agentRecords[username] != nil, agentRecords[username]!.busy != busy else { return }
        advance(to: now)
        agentRecords[username]!.busy = busy
        settleQueues(now: now)
    }
}
