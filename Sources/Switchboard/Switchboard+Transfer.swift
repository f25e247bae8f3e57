import AgentProtocol
import CallControlMessages

/// Transfers. The agent who transfers is A, the party they talk to is P (in the held call H),
/// the target is Q.
///
/// - `transfer(number)` holds H (`callHold`) and dials Q at once; `transfer()` holds H and
///   enters transfer mode, in which the next `dial` is the consultation call C. Hanging up C (or
///   C failing) leaves H on hold with A.
/// - `finishTransfer` needs C connected. A's legs of H and C end with cause transfer
///   (`callHangup` for each, H first); A's `transferred` (Q internal) or `transferred_external`
///   (Q external) counts, and so does the queue membership's if H was a queue call A took.
///   C survives with P in A's place: its uniqueid is kept, H's `data` is merged into it (H's
///   keys win), and H's uniqueid becomes an alias of C's for the admin API. An internal Q gets
///   `callConnect` with the updated call (P is now the other party); an internal P gets
///   `callHangup` of H (cause transfer) and `callConnect` of C. A call left with no agent in
///   it (P and Q both external) leaves the switchboard without further events.
/// - `blindTransfer(number)` needs a connected or held call and no consultation. An internal
///   Q must be ringable (signed in READY, no call), else `agentUnavailable` and nothing
///   changes. A's leg ends with cause transfer (counted as above); the call, with P as the
///   caller now, rings Q (`callNew`, `callRinging`; it is a direct call from then on, so a ring
///   timeout ends it). To an external Q the call leaves the switchboard (an internal P stays,
///   connected to Q: `callConnect`).
extension Switchboard {
    func transfer(_ username: String, number: String?, now: Int64) throws(SwitchboardError) -> CallControlReply {
        let agent = agentRecords[username]!
        let record = try currentCall(username)
        guard agent.calls.count == 1, !agent.transferMode else { throw .transferInProgress }
        guard record.state == .connected || record.state == .hold else { throw .notConnected }
        if let number, !Self.isDialable(number) { throw .invalidNumber }
        if record.state == .connected {
            records[record.uniqueid]!.state = .hold
            emitCall(records[record.uniqueid]!, now: now) { .callHold($0) }
        }
        guard let number else {
            agentRecords[username]!.transferMode = true
            return .ok
        }
        agentRecords[username]!.transferMode = true
        let consult = try dial(username, DialParams(number: number, queue: .directCall), now: now)
        agentRecords[username]!.transferMode = false
        return .fields(["uniqueid": .string(consult)])
    }

    /// A leaves `record` with cause transfer: talk counted, transfer counted, `callHangup`.
    func leaveByTransfer(_ username: String, _ record: CallRecord, external: Bool, countTransfer: Bool, now: Int64) {
        if let joined = record.joined[username] {
            agentRecords[username]!.countTalk(seconds: Int(max(0, now - joined)), incoming: !record.isCaller(username),
                                              queue: record.isCaller(username) ? record.outboundID : record.queueID)
        }
        if countTransfer {
            agentRecords[username]!.countTransfer(external: external, queue: record.isCallee(username) ? record.queueID : nil)
        }
        var last = view(record, for: username, now: now)
        last.state = .hangup
        last.cause = .transfer
        last.disconnected = now
        hangUp(username, leg: last)
    }

    func finishTransfer(_ username: String, now: Int64) throws(SwitchboardError) {
        let agent = agentRecords[username]!
        guard agent.calls.count == 2, let held = records[agent.calls[0]], var consult = records[agent.calls[1]] else {
            throw .noTransfer
        }
        guard consult.state == .connected else { throw .notConnected }
        let aWasCaller = held.isCaller(username)
        guard let party = aWasCaller ? held.callee : Optional(held.caller) else { throw .noTransfer }
        let partyMuted = aWasCaller ? held.calleeMuted : held.callerMuted
        let consultee = consult.isCaller(username) ? consult.callee : consult.caller
        let external = consultee.map { !$0.isInternal } ?? true

        leaveByTransfer(username, held, external: external, countTransfer: true, now: now)
        leaveByTransfer(username, consult, external: external, countTransfer: false, now: now)

        // P's view of H ends too when P is an agent.
        var finalHeld = held
        finalHeld.state = .hangup
        finalHeld.cause = .transfer
        finalHeld.disconnected = now
        records[held.uniqueid] = nil
        store(finalHeld)
        aliases[held.uniqueid] = consult.uniqueid
        if let p = party.username {
            if let joined = held.joined[p] {
                agentRecords[p]!.countTalk(seconds: Int(max(0, now - joined)), incoming: !held.isCaller(p),
                                           queue: held.isCaller(p) ? held.outboundID : held.queueID)
            }
            hangUp(p, leg: view(finalHeld, for: p, now: now))
            agentRecords[p]!.calls.removeAll { $0 == held.uniqueid }
        }

        if consult.isCaller(username) {
            consult.caller = party
            consult.callerMuted = partyMuted
        } else {
            consult.callee = party
            consult.calleeMuted = partyMuted
        }
        consult.data = consult.data.merging(held.data) { _, fromHeld in fromHeld }
        consult.joined[username] = nil
        if let p = party.username {
            consult.joined[p] = now
            consult.counted.insert(p)
            agentRecords[p]!.calls.append(consult.uniqueid)
        }
        agentRecords[username]!.calls = []
        if consult.agents.isEmpty {
            records[consult.uniqueid] = nil
            consult.state = .hangup
            consult.cause = .transfer
            consult.disconnected = now
            store(consult)
        } else {
            records[consult.uniqueid] = consult
            emitCall(consult, now: now) { .callConnect($0) }
        }
        leave(username, held.uniqueid, talked: true, now: now)
        leave(username, consult.uniqueid, talked: true, now: now)
    }

    func blindTransfer(_ username: String, number: String, now: Int64) throws(SwitchboardError) {
        let agent = agentRecords[username]!
        var record = try currentCall(username)
        guard agent.calls.count == 1, !agent.transferMode else { throw .transferInProgress }
        guard record.state == .connected || record.state == .hold else { throw .notConnected }
        guard Self.isDialable(number) else { throw .invalidNumber }
        let aWasCaller = record.isCaller(username)
        guard let party = aWasCaller ? record.callee : Optional(record.caller) else { throw .noActiveCall }
        let destination = target(of: number)
        var internalTarget: String?
        switch destination {
        case .agent(let other):
            guard other != username, ringRefusal(other) == nil else { throw .agentUnavailable }
            internalTarget = other
        case .idleExtension:
            throw .agentUnavailable
        case .external:
            break
        }
        leaveByTransfer(username, record, external: internalTarget == nil, countTransfer: true, now: now)
        if let p = party.username, let joined = record.joined[p] {
            agentRecords[p]!.countTalk(seconds: Int(max(0, now - joined)), incoming: !record.isCaller(p),
                                       queue: record.isCaller(p) ? record.outboundID : record.queueID)
        }
        record.caller = party
        record.callerMuted = false
        record.calleeMuted = false
        record.callee = nil
        record.calledNumber = number
        record.calledInternal = internalTarget != nil
        record.calledName = internalTarget.map { agentRecords[$0]!.profile.displayname }
        record.queueID = nil
        record.outboundID = nil
        record.joined = [:]
        record.counted = party.username.map { [$0] } ?? []
        record.offered = []
        agentRecords[username]!.calls = []
        if let other = internalTarget {
            record.connected = nil
            records[record.uniqueid] = record
            ring(record.uniqueid, at: other, now: now)
        } else if let p = party.username {
            record.callee = .external(number)
            record.state = .connected
            record.joined[p] = now
            records[record.uniqueid] = record
            emitCall(record, now: now) { .callConnect($0) }
        } else {
            record.callee = .external(number)
            record.state = .hangup
            record.cause = .transfer
            record.disconnected = now
            records[record.uniqueid] = nil
            store(record)
        }
        leave(username, record.uniqueid, talked: true, now: now)
    }
}
