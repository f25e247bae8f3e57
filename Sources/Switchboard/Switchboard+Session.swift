import AgentProtocol
import CallControlMessages
import JSON

extension Switchboard {
    /// Signs `username` in after the gateway has authenticated them. The first sign-in gives
    /// IDENTIFY (the agent's status stays what it was, OFFLINE at first). A user already READY
    /// (a second tab) gets READY and a snapshot, and nothing is emitted. A user in IDENTIFY or
    /// DEVICE starts over in IDENTIFY: a pairing not yet provisioned is dropped.
    ///
    /// `identifier` is the first of `identifiers` naming a phone the user may pair (one without
    /// an owner or owned by them, not paired by another signed-in user).
    public func signIn(_ username: String, identifiers: [String], now: Int64) throws(SwitchboardError) -> SignIn {
        guard let agent = agentRecords[username] else { throw .unknownUser }
        guard agent.profile.enabled else { throw .accountDisabled }
        advance(to: now)
        if agent.state == .ready {
            return SignIn(user: agent.user, state: .ready, identificators: identificators(for: username),
                          identifier: agent.identifier, snapshot: snapshot(of: username, now: now))
        }
        if agent.state == .credentials {
            agentRecords[username]!.accounted = clock
            agentRecords[username]!.idleSince = clock
        }
        agentRecords[username]!.state = .identify
        agentRecords[username]!.device = nil
        agentRecords[username]!.identifier = nil
        agentRecords[username]!.waitingSeen = waitingCallers(for: username)
        let candidate = identifiers.first { identifier in
            guard let device = directory.device(identifier: identifier) else { return false }
            return mayPair(device, username) && pairedBy(device, other: username) == nil
        }
        return SignIn(user: agentRecords[username]!.user, state: .identify, identificators: identificators(for: username),
                      identifier: candidate, snapshot: nil)
    }

    /// Signs `username` out (the `logout` command, or the gateway when the user's last tab is
    /// gone for good): status OFFLINE (stateChange if it changed), then every call of theirs
    /// ends: a queue call ringing at them is offered to the next agent, any other call is hung
    /// up as if they hung up. Then the phone is unpaired and the user is in CREDENTIALS.
    public func signOut(_ username: String, now: Int64) {
        guard let agent = agentRecords[username], agent.signedIn else { return }
        advance(to: now)
        setStatus(username, .offline, reason: nil)
        for uniqueid in agent.calls.reversed() {
            guard let record = records[uniqueid] else { continue }
            if record.state == .ringing, record.isCallee(username) {
                withdraw(uniqueid, cause: .unavailable, now: now)
            } else {
                endCall(uniqueid, cause: record.isCaller(username) ? .callerHungUp : .calledHungUp, now: now)
            }
        }
        agentRecords[username]!.state = .credentials
        agentRecords[username]!.device = nil
        agentRecords[username]!.identifier = nil
        agentRecords[username]!.transferMode = false
        agentRecords[username]!.acwUntil = nil
        settleQueues(now: now)
    }

    /// The state object (`ready`, `state`): nil if not signed in; lastSeq 0.
    public func snapshot(of username: String, now: Int64) -> AgentSnapshot? {
        guard agentRecords[username]?.signedIn == true else { return nil }
        advance(to: now)
        let agent = agentRecords[username]!
        let call = agent.current.flatMap { records[$0] }.map { view($0, for: username, now: now) }
        var queues: [String: JSONValue] = [:]
        for queue in directory.queues {
            queues[String(queue.id)] = .object(["name": .string(queue.name), "type": .integer(queue.type.rawValue)])
        }
        var groups: [String: JSONValue] = [:]
        for (id, name) in directory.groups { groups[String(id)] = .string(name) }
        var others: [String: JSONValue] = [:]
        for profile in directory.users where profile.username != username {
            others[profile.username] = .string(agentRecords[profile.username]?.user.status.rawValue ?? AgentStatus.offline.rawValue)
        }
        return AgentSnapshot(status: agent.user.status, reason: agent.reason, call: call, user: agent.user,
                             device: agent.device?.json(identifier: agent.identifier),
                             auxReasons: .array(directory.auxReasons.map { .string($0) }),
                             callReasons: .array(directory.callReasons.map { .string($0) }),
                             queues: .object(queues), groups: .object(groups), agents: .object(others),
                             waitingCallers: waitingCallers(for: username), now: now, lastSeq: 0)
    }

    // MARK: Pairing

    /// The `identify` event's list: the phones `username` may pair, when `listDevices` is on.
    func identificators(for username: String) -> [JSONValue] {
        guard directory.listDevices else { return [] }
        return directory.devices.filter { mayPair($0, username) }.map(\.listing)
    }

    func mayPair(_ device: DirectoryDevice, _ username: String) -> Bool {
        device.owner == nil || device.owner == username
    }

    /// The signed-in user other than `username` who has `device` paired, if any.
    func pairedBy(_ device: DirectoryDevice, other username: String) -> String? {
        agentRecords.values.first { $0.signedIn && $0.profile.username != username && $0.device?.id == device.id }?.profile.username
    }

    /// `selectIdentifier`: pairs the phone that has `identifier` → DEVICE, emits `device`.
    func selectIdentifier(_ username: String, _ identifier: String) throws(SwitchboardError) {
        guard let device = directory.device(identifier: identifier) else { throw .unknownIdentifier }
        guard mayPair(device, username) else { throw .deviceNotAllowed }
        guard pairedBy(device, other: username) == nil else { throw .deviceInUse }
        agentRecords[username]!.device = device
        agentRecords[username]!.identifier = identifier
        agentRecords[username]!.state = .device
        emit(username, .device(device.json(identifier: identifier)))
    }

    /// `provision`: READY; status OFFLINE becomes READY (stateChange), then `ready`.
    func provision(_ username: String, now: Int64) throws(SwitchboardError) {
        guard agentRecords[username]!.device != nil else { throw .noDevice }
        agentRecords[username]!.state = .ready
        if agentRecords[username]!.user.status == .offline {
            agentRecords[username]!.idleSince = now
            setStatus(username, .ready, reason: nil)
        }
        agentRecords[username]!.waitingSeen = waitingCallers(for: username)
        emit(username, .ready(snapshot(of: username, now: now)!))
    }

    /// `identify`: back to IDENTIFY, the phone unpaired, emits `identify`. Refused while the
    /// agent has a call (`callInProgress`): the call is on the phone being unpaired.
    func identify(_ username: String) throws(SwitchboardError) {
        guard agentRecords[username]!.calls.isEmpty else { throw .callInProgress }
        agentRecords[username]!.state = .identify
        agentRecords[username]!.device = nil
        agentRecords[username]!.identifier = nil
        emit(username, .identify(identificators: identificators(for: username)))
    }
}
