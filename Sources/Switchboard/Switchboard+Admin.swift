import AgentProtocol
import CallControlMessages
import JSON

/// The admin API: what the outside world does to the switchboard (demos, tests, benchmarks).
extension Switchboard {
    /// An external `number` calls a queue, an extension or a user; returns the call as seen
    /// from outside. A queue call is offered to an available member or waits. A direct call
    /// rings the agent when they can be rung; otherwise it is returned already ended, with
    /// cause unavailable (nobody signed in and READY behind it) or busy (the agent has a call).
    public func placeInboundCall(from number: String, to target: CallTarget, now: Int64) throws(SwitchboardError) -> Call {
        guard Self.isDialable(number) else { throw .invalidNumber }
        advance(to: now)
        defer { settleQueues(now: now) }
        var record = newRecord(caller: .external(number), calledNumber: "", now: now)
        let agent: String?
        switch target {
        case .queue(let id):
            guard let queue = directory.queue(id: id) else { throw .unknownQueue }
            guard queue.type == .incoming else { throw .notIncomingQueue }
            record.calledNumber = queue.number
            record.calledName = queue.name
            record.queueID = id
            record.state = .ringing
            records[record.uniqueid] = record
            distribute(now: now)
            return view(records[record.uniqueid] ?? record, for: nil, now: now)
        case .extension(let value):
            record.calledNumber = String(value)
            record.calledInternal = true
            switch self.target(extension: value) {
            case .agent(let name)?: agent = name
            case .idleExtension(_, let user)?:
                record.calledName = user?.displayname
                record.callee = .extensionOnly(value, user: user)
                agent = nil
            case .external?, nil: throw .unknownExtension
            }
        case .user(let name):
            guard let profile = directory.user(named: name) else { throw .unknownUser }
            let value = agentRecords[name]!.device?.extension ?? profile.primaryExtension
            record.calledNumber = value.map { String($0) } ?? name
            record.calledInternal = true
            record.calledName = profile.displayname
            if agentRecords[name]!.signedIn {
                agent = name
            } else {
                record.callee = value.map { .extensionOnly($0, user: profile) }
                agent = nil
            }
        }
        records[record.uniqueid] = record
        guard let agent else {
            endCall(record.uniqueid, cause: .unavailable, now: now)
            return view(ended[record.uniqueid]!, for: nil, now: now)
        }
        record.calledName = agentRecords[agent]!.profile.displayname
        records[record.uniqueid] = record
        if let refusal = ringRefusal(agent) {
            records[record.uniqueid]!.callee = endpoint(of: agent)
            records[record.uniqueid]!.callee!.username = nil
            endCall(record.uniqueid, cause: refusal, now: now)
            return view(ended[record.uniqueid]!, for: nil, now: now)
        }
        ring(record.uniqueid, at: agent, now: now)
        return view(records[record.uniqueid]!, for: nil, now: now)
    }

    /// The external party of an agent's outgoing call answers (`callConnect`).
    public func remoteAnswer(uniqueid: String, now: Int64) throws(SwitchboardError) -> Call {
        guard let record = record(uniqueid) else { throw .unknownCall }
        guard let callee = record.callee, !callee.isInternal else { throw .notExternal }
        guard record.state == .ringing else { throw .notRinging }
        advance(to: now)
        defer { settleQueues(now: now) }
        connect(record.uniqueid, now: now)
        return view(records[record.uniqueid]!, for: nil, now: now)
    }

    /// The external party hangs up: the call ends with cause 3 (they called) or 4 (they were
    /// called); a caller waiting in a queue just leaves it. Returns the ended call.
    public func remoteHangup(uniqueid: String, now: Int64) throws(SwitchboardError) -> Call {
        guard let record = record(uniqueid) else { throw .unknownCall }
        let cause: HangupCause
        if !record.caller.isInternal {
            cause = .callerHungUp
        } else if let callee = record.callee, !callee.isInternal {
            cause = .calledHungUp
        } else {
            throw .notExternal
        }
        advance(to: now)
        defer { settleQueues(now: now) }
        endCall(record.uniqueid, cause: cause, now: now)
        return view(ended[record.uniqueid]!, for: nil, now: now)
    }
}

extension Switchboard {
    /// Carries out an admin command: the status and the JSON body of the response.
    /// `placeCall` → 201 `{"uniqueid":…,"call":{…}}`; `answer`, `hangup` → 200 `{"call":{…}}`;
    /// `listCalls` → `{"calls":[…]}`, each a Call object plus `dtmf` (the touch-tones sent into
    /// the call, `""` when none); `listAgents` → `{"agents":[{"username","state","status","reason","call","busy"}]}`.
    public func perform(_ command: AdminCommand, now: Int64) -> (status: Int, body: [UInt8]) {
        var json = JSONWriter(capacity: 1024)
        do throws(SwitchboardError) {
            switch command {
            case .placeCall(let from, let target):
                let call = try placeInboundCall(from: from, to: target, now: now)
                json.raw(#"{"uniqueid":"#); json.string(call.uniqueid)
                json.raw(#","call":"#); json.call(call); json.raw("}")
                return (201, json.bytes)
            case .answer(let uniqueid), .hangup(let uniqueid):
                let call = if case .answer = command {
                    try remoteAnswer(uniqueid: uniqueid, now: now)
                } else {
                    try remoteHangup(uniqueid: uniqueid, now: now)
                }
                json.raw(#"{"call":"#); json.call(call); json.raw("}")
            case .listCalls:
                json.raw(#"{"calls":["#)
                for (index, record) in records.values.sorted(by: { $0.order < $1.order }).enumerated() {
                    if index > 0 { json.raw(",") }
                    json.adminCall(view(record, for: nil, now: clock), dtmf: record.dtmf)
                }
                json.raw("]}")
            case .listAgents:
                json.raw(#"{"agents":["#)
                for (index, agent) in agents.enumerated() {
                    if index > 0 { json.raw(",") }
                    json.raw(#"{"username":"#); json.string(agent.username)
                    json.raw(#","state":"#); json.string(agent.state.rawValue)
                    json.raw(#","status":"#); json.string(agent.status.rawValue)
                    json.raw(#","reason":"#); json.optionalString(agent.reason)
                    json.raw(#","call":"#); json.optionalString(agent.call)
                    json.raw(#","busy":"#); json.bool(agent.busy)
                    json.raw("}")
                }
                json.raw("]}")
            }
            return (200, json.bytes)
        } catch {
            let refused = AdminError.refused(error)
            return (refused.status, refused.body)
        }
    }
}

extension JSONWriter {
    /// A call of the admin listing: the docs/compatibility.md §1.6 Call object with one more member at its end,
    /// `dtmf`. The Call object itself, as agents receive it, has no such member.
    mutating func adminCall(_ call: Call, dtmf: String) {
        var object = JSONWriter(capacity: 1024)
        object.call(call)
        raw(String(decoding: object.bytes.dropLast(), as: UTF8.self))
        raw(#","dtmf":"#)
        string(dtmf)
        raw("}")
    }
}
