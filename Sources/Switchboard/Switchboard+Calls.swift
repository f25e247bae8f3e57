import AgentProtocol

/// Calls: dialling, ringing, answering, holding, muting, hanging up, and their statistics.
extension Switchboard {
    // MARK: Numbers and targets

    /// A number an agent or the admin API may dial: ASCII digits, an optional leading `+`, and
    /// the separators space, `-`, `.`, `/`, `(`, `)`; at least one digit.
    static func isDialable(_ number: String) -> Bool {
        var digits = 0
        for (index, scalar) in number.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits += 1
            case "+" where index == 0: break
            case " ", "-", ".", "/", "(", ")": break
            default: return false
            }
        }
        return digits > 0
    }

    enum Target {
        /// A signed-in agent (in any session state) reached through an extension or username.
        case agent(String)
        /// An internal extension with nobody signed in behind it.
        case idleExtension(Int, DirectoryUser?)
        case external(String)
    }

    /// What dialling `number` reaches: an extension of a paired phone or a user's primary
    /// extension is internal; anything else is external.
    func target(of number: String) -> Target {
        guard number.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(number) else { return .external(number) }
        return target(extension: value) ?? .external(number)
    }

    func target(extension value: Int) -> Target? {
        if let agent = agentRecords.values.first(where: { $0.signedIn && $0.device?.extension == value }) {
            return .agent(agent.profile.username)
        }
        if let owner = directory.devices.first(where: { $0.extension == value })?.owner
            ?? directory.users.first(where: { $0.primaryExtension == value })?.username {
            if let agent = agentRecords[owner], agent.signedIn, agent.device == nil || agent.device?.extension == value {
                return agent.device == nil ? .idleExtension(value, agent.profile) : .agent(owner)
            }
            return .idleExtension(value, directory.user(named: owner))
        }
        if directory.devices.contains(where: { $0.extension == value }) { return .idleExtension(value, nil) }
        return nil
    }

    /// Why `username` cannot be rung now, or nil: `unavailable` unless signed in and READY (the
    /// session; for a direct call the availability status does not matter), `busy` with a call
    /// (or one outside the Switchboard, `setBusy`).
    func ringRefusal(_ username: String) -> HangupCause? {
        guard let agent = agentRecords[username], agent.state == .ready else { return .unavailable }
        return agent.calls.isEmpty && !agent.busy ? nil : .busy
    }

    // MARK: Dialling

    /// Places an agent's outgoing call and returns its uniqueid: `callNew` (connecting), then
    /// either `callRinging` (an external number rings; an internal agent is rung: `callNew` and
    /// `callRinging` to them too) or, for an internal target that cannot be rung, `callHangup`
    /// with cause busy or unavailable. Dialling oneself is busy.
    func dial(_ username: String, _ params: DialParams, now: Int64) throws(SwitchboardError) -> String {
        guard Self.isDialable(params.number) else { throw .invalidNumber }
        var outbound: Int?
        if case .id(let queueID) = params.queue {
            guard let queue = directory.queue(id: queueID) else { throw .unknownQueue }
            guard queue.type == .outgoing else { throw .notOutgoingQueue }
            guard agentRecords[username]!.user.queues[queueID] != nil else { throw .notQueueMember }
            outbound = queueID
        }
        var record = newRecord(caller: endpoint(of: username), calledNumber: params.number, now: now)
        record.state = .connecting
        record.data = params.data ?? [:]
        record.outboundID = outbound
        let uniqueid = record.uniqueid
        records[uniqueid] = record
        agentRecords[username]!.calls.append(uniqueid)
        emit(username, .callNew(view(record, for: username, now: now)))
        switch target(of: params.number) {
        case .agent(let other):
            records[uniqueid]!.calledInternal = true
            records[uniqueid]!.calledName = agentRecords[other]!.profile.displayname
            if let refusal = other == username ? .busy : ringRefusal(other) {
                // The target is described but not in the call: it gets no events.
                records[uniqueid]!.callee = endpoint(of: other)
                records[uniqueid]!.callee!.username = nil
                endCall(uniqueid, cause: refusal, now: now)
            } else {
                ring(uniqueid, at: other, now: now)
            }
        case .idleExtension(let value, let user):
            records[uniqueid]!.calledInternal = true
            records[uniqueid]!.calledName = user?.displayname
            records[uniqueid]!.callee = .extensionOnly(value, user: user)
            endCall(uniqueid, cause: .unavailable, now: now)
        case .external(let number):
            records[uniqueid]!.callee = .external(number)
            records[uniqueid]!.state = .ringing
            records[uniqueid]!.ringStart = now
            emitCall(records[uniqueid]!, now: now) { .callRinging($0) }
        }
        return uniqueid
    }

    // MARK: Connecting and ending

    /// Counts the end of `username`'s ringing in `record` (once per agent and call).
    func countRing(_ record: inout CallRecord, _ username: String, answered: Bool, now: Int64) {
        guard record.counted.insert(username).inserted else { return }
        let seconds = record.ringStart.map { Int(max(0, now - $0)) } ?? 0
        let incoming = !record.isCaller(username)
        agentRecords[username]!.countRing(seconds: seconds, incoming: incoming, answered: answered,
                                          queue: incoming ? record.queueID : record.outboundID)
    }

    /// The callee answers: connected, `callConnect` to every agent in the call.
    func connect(_ uniqueid: String, now: Int64) {
        guard var record = records[uniqueid] else { return }
        for name in record.agents {
            countRing(&record, name, answered: true, now: now)
            record.joined[name] = now
        }
        record.state = .connected
        record.connected = now
        record.ringStart = nil
        records[uniqueid] = record
        emitCall(record, now: now) { .callConnect($0) }
    }

    /// Ends the whole call with `cause`: `callHangup` to every agent still in it (the ringing
    /// counted as unanswered, or the talk time counted), then after-call work.
    func endCall(_ uniqueid: String, cause: HangupCause, now: Int64) {
        guard var record = records[uniqueid] else { return }
        record.state = .hangup
        record.cause = cause
        record.disconnected = now
        let talked = Set(record.joined.keys)
        for name in record.agents {
            if let joined = record.joined[name] {
                agentRecords[name]!.countTalk(seconds: Int(max(0, now - joined)), incoming: !record.isCaller(name),
                                              queue: record.isCaller(name) ? record.outboundID : record.queueID)
            } else {
                countRing(&record, name, answered: false, now: now)
            }
        }
        records[uniqueid] = nil
        store(record)
        for name in record.agents {
            hangUp(name, leg: view(record, for: name, now: now))
        }
        for name in record.agents {
            leave(name, uniqueid, talked: talked.contains(name), now: now)
        }
    }

    /// Keeps an ended call for `setAccountCode`.
    func store(_ record: CallRecord) {
        if ended[record.uniqueid] == nil { endedOrder.append(record.uniqueid) }
        ended[record.uniqueid] = record
        if endedOrder.count > Self.endedLimit {
            ended[endedOrder.removeFirst()] = nil
        }
    }

    /// `username` is out of the call: after a connected call, an agent whose status is READY
    /// and who has no other call goes to ACW for `acwSeconds` (stateChange); unanswered rings
    /// cause no ACW.
    func leave(_ username: String, _ uniqueid: String, talked: Bool, now: Int64) {
        guard var agent = agentRecords[username] else { return }
        agent.calls.removeAll { $0 == uniqueid }
        if agent.calls.isEmpty {
            agent.transferMode = false
            agent.idleSince = now
        }
        agentRecords[username] = agent
        if talked, agent.calls.isEmpty, agent.user.status == .ready, settings.acwSeconds > 0 {
            setStatus(username, .acw, reason: nil)
            agentRecords[username]!.acwUntil = now + Int64(settings.acwSeconds)
        }
    }

    // MARK: Agent commands

    func currentCall(_ username: String) throws(SwitchboardError) -> CallRecord {
        guard let uniqueid = agentRecords[username]!.current, let record = records[uniqueid] else { throw .noActiveCall }
        return record
    }

    /// `answer`: the call ringing at the agent connects.
    func answer(_ username: String, now: Int64) throws(SwitchboardError) {
        guard let uniqueid = agentRecords[username]!.current, let record = records[uniqueid],
              record.state == .ringing, record.isCallee(username) else { throw .notRinging }
        connect(uniqueid, now: now)
    }

    /// `hangup`: ends the agent's current call. A call ringing at the agent is rejected (cause
    /// rejected: a queue call goes to the next agent); otherwise the whole call ends with cause
    /// 3 or 4 by whether the agent called or was called. During a consultation the consultation
    /// call ends and the held call stays on hold.
    func hangup(_ username: String, now: Int64) throws(SwitchboardError) {
        let record = try currentCall(username)
        if record.state == .ringing, record.isCallee(username) {
            withdraw(record.uniqueid, cause: .rejected, now: now)
        } else {
            endCall(record.uniqueid, cause: record.isCaller(username) ? .callerHungUp : .calledHungUp, now: now)
        }
    }

    func hold(_ username: String, now: Int64) throws(SwitchboardError) {
        let record = try currentCall(username)
        guard record.state == .connected else { throw .notConnected }
        records[record.uniqueid]!.state = .hold
        emitCall(records[record.uniqueid]!, now: now) { .callHold($0) }
    }

    func unhold(_ username: String, now: Int64) throws(SwitchboardError) {
        let record = try currentCall(username)
        guard record.state == .hold else { throw .notOnHold }
        records[record.uniqueid]!.state = .connected
        emitCall(records[record.uniqueid]!, now: now) { .callResume($0) }
    }

    /// `dtmf`: touch-tones into the agent's current call, which must be connected (not ringing,
    /// not on hold: `notConnected`). The simulated far end does not react; the digits are kept
    /// on the call (the admin API's `dtmf`) and nothing is emitted, so the Call object stays the
    /// guide's.
    func sendDTMF(_ username: String, _ digits: String) throws(SwitchboardError) {
        let record = try currentCall(username)
        guard record.state == .connected else { throw .notConnected }
        var sent = record.dtmf + digits
        if sent.count > CallRecord.maxDTMF { sent = String(sent.suffix(CallRecord.maxDTMF)) }  // ASCII: characters are bytes
        records[record.uniqueid]!.dtmf = sent
    }

    /// `mute`: toggles the agent's own side (`caller_muted` or `connected_muted`) of a
    /// connected or held call; `callMute`/`callUnmute` to every agent in the call.
    func mute(_ username: String, now: Int64) throws(SwitchboardError) {
        let record = try currentCall(username)
        guard record.state == .connected || record.state == .hold else { throw .notConnected }
        let muted: Bool
        if record.isCaller(username) {
            records[record.uniqueid]!.callerMuted.toggle()
            muted = records[record.uniqueid]!.callerMuted
        } else {
            records[record.uniqueid]!.calleeMuted.toggle()
            muted = records[record.uniqueid]!.calleeMuted
        }
        emitCall(records[record.uniqueid]!, now: now) { muted ? .callMute($0) : .callUnmute($0) }
    }
}
