import AgentProtocol
import CallControlMessages

/// The embedded call-control back end: the directory's users sign in, pair a phone, change
/// their availability and place, take, hold, mute and transfer calls; incoming queues
/// distribute callers to their members. The gateway drives it with the agent protocol's
/// commands (`execute`), the passage of time (`tick`), and the admin API (demos, tests,
/// benchmarks), and relays what it emits (`takeEvents`) to the users' tabs.
///
/// Pure and single-threaded: one thread owns an instance (it is not `Sendable`), and time is
/// always passed in as `now`, Unix seconds. A `now` earlier than one already seen counts as that
/// one for statistics.
///
/// Model (docs/directory.md has the directory; the choices on behaviour the guide leaves open
/// are listed on the methods):
/// - A call has a caller and a callee (the party it rings or is connected to). Every agent in a
///   call sees the same Call object but for `direction` and `number`: OUTGOING and the callee's
///   number for the caller, INCOMING and the caller's number for the callee. `cause` is the
///   same for both (3: the caller hung up, 4: the callee did).
/// - Every change of a call is sent to every agent in it (a hold by one side is `callHold` for
///   both).
/// - Statistics: status times (`readytime`, `idletime`, `auxtime`, `auxtimes`, `acwtime`,
///   queue `suspendtime`) run continuously while signed in; ring and talk times are counted
///   when the ringing or the talk ends. `in_*`/`out_*` count every call of the agent (rung or
///   dialled), `ringtime`/`talktime` are their sums, and a queue membership's statistics count
///   that queue's calls (incoming queue calls, or dials under the outgoing queue).
public final class Switchboard {
    public let directory: Directory
    let namer: CallNamer
    var settings: SwitchboardSettings { directory.settings }

    var agentRecords: [String: AgentRecord] = [:]
    var records: [String: CallRecord] = [:]
    /// Ended calls kept for `callHistory` and `setAccountCode` after the call, oldest first.
    var ended: [String: CallRecord] = [:]
    var endedOrder: [String] = []
    /// A call merged into another by a transfer: its uniqueid → the surviving call's.
    var aliases: [String: String] = [:]
    var pending: [AddressedEvent] = []
    var clock: Int64 = 0
    var nextOrder = 1
    var nextCallID = 1
    static let endedLimit = 10_000

    /// `randomBytes(count)` returns `count` random bytes, for the calls' names (`CallNamer`):
    /// the kernel's CSPRNG in the gateway.
    public init(directory: Directory, randomBytes: @escaping (Int) -> [UInt8]) {
        self.directory = directory
        namer = CallNamer(randomBytes: randomBytes)
        let types = Dictionary(directory.queues.map { ($0.id, $0.type) }, uniquingKeysWith: { first, _ in first })
        for profile in directory.users {
            agentRecords[profile.username] = AgentRecord(profile: profile, queueTypes: types)
        }
    }

    public func state(of username: String) -> AgentState {
        agentRecords[username]?.state ?? .credentials
    }

    /// Everything emitted since the last call, in order.
    public func takeEvents() -> [AddressedEvent] {
        defer { pending.removeAll() }
        return pending
    }

    /// Every live call, oldest first, as seen from outside (INCOMING when an external number
    /// called, OUTGOING when an agent did).
    public var calls: [Call] {
        records.values.sorted { $0.order < $1.order }.map { view($0, for: nil, now: clock) }
    }

    /// Every directory user, in the directory's order.
    public var agents: [AgentSummary] {
        directory.users.compactMap { profile in
            guard let agent = agentRecords[profile.username] else { return nil }
            return AgentSummary(username: profile.username, state: agent.state, status: agent.user.status,
                                reason: agent.reason, call: agent.current, busy: agent.busy)
        }
    }

    // MARK: Time

    /// Ends ACW that is due, ends ringing that timed out (`ringSeconds`: a queue call is offered
    /// to the next agent, a direct call ends with cause unavailable), lets simulated external
    /// parties answer (`externalAnswerSeconds`), and offers waiting calls to agents now free.
    public func tick(now: Int64) {
        var due: [(until: Int64, name: String)] = []
        var index = agentRecords.startIndex
        while index != agentRecords.endIndex {  // in place (AgentRecord+Sweep.swift)
            if let until = agentRecords.values[index].acwDue(by: now) { due.append((until, agentRecords.keys[index])) }
            agentRecords.formIndex(after: &index)
        }
        for (until, name) in due.sorted(by: { ($0.until, $0.name) < ($1.until, $1.name) }) {
            let end = max(until, agentRecords[name]!.accounted)
            agentRecords[name]!.settle(to: end)
            agentRecords[name]!.acwUntil = nil
            agentRecords[name]!.idleSince = end
            setStatus(name, .ready, reason: nil)
        }
        advance(to: now)
        let ringing = records.values.filter { $0.state == .ringing && $0.ringStart != nil }.sorted { $0.order < $1.order }
        for record in ringing {
            guard let start = record.ringStart, let callee = record.callee else { continue }
            if callee.username != nil, start + Int64(settings.ringSeconds) <= now {
                withdraw(record.uniqueid, cause: .unavailable, now: now)
            } else if !callee.isInternal, let answer = settings.externalAnswerSeconds, start + Int64(answer) <= now {
                connect(record.uniqueid, now: now)
            }
        }
        settleQueues(now: now)
    }

    /// Counts status time of every signed-in agent up to `now`.
    func advance(to now: Int64) {
        clock = max(clock, now)
        // In place, by index (AgentRecord+Sweep.swift): writing records while iterating `keys`
        // copied the whole dictionary (the keys view shares its storage) on every operation.
        var index = agentRecords.startIndex
        while index != agentRecords.endIndex {
            agentRecords.values[index].settleIfSignedIn(to: clock)
            agentRecords.formIndex(after: &index)
        }
    }

    /// Offers waiting calls to free agents and tells members about changed waiting counts: the
    /// end of every operation.
    func settleQueues(now: Int64) {
        distribute(now: now)
        refreshWaiting()
    }

    // MARK: Events

    /// Queues `event` for `username` if they are signed in (a user without tabs gets nothing).
    func emit(_ username: String, _ event: AgentEvent) {
        guard agentRecords[username]?.signedIn == true else { return }
        pending.append(AddressedEvent(user: username, event: event))
    }

    /// Sends the call, as each agent in it sees it, to each of them, caller first.
    func emitCall(_ record: CallRecord, now: Int64, _ make: (Call) -> AgentEvent) {
        for name in record.agents {
            emit(name, make(view(record, for: name, now: now)))
        }
    }

    func setStatus(_ username: String, _ status: AgentStatus, reason: String?) {
        guard var agent = agentRecords[username] else { return }
        let reason = status == .aux ? reason : nil
        guard agent.user.status != status || agent.reason != reason else { return }
        agent.user.status = status
        agent.reason = reason
        if status != .acw { agent.acwUntil = nil }
        agentRecords[username] = agent
        emit(username, .stateChange(status: status, reason: reason))
    }

    // MARK: Lookups

    func record(_ uniqueid: String) -> CallRecord? {
        if let record = records[uniqueid] { return record }
        var id = uniqueid
        var hops = 0
        while let next = aliases[id], hops < 16 {
            if let record = records[next] { return record }
            id = next
            hops += 1
        }
        return nil
    }

    func signedInAgent(_ username: String) throws(SwitchboardError) -> AgentRecord {
        guard let agent = agentRecords[username] else { throw .unknownUser }
        guard agent.signedIn else { throw .notSignedIn }
        return agent
    }

    func newRecord(caller: Endpoint, calledNumber: String, now: Int64) -> CallRecord {
        let order = nextOrder
        nextOrder += 1
        let id = nextCallID
        nextCallID = nextCallID % 65535 + 1
        let name = namer.name(now: now, order: order)
        return CallRecord(uniqueid: name.uniqueid, guid: name.guid, id: id, order: order, created: now, caller: caller, callee: nil,
                          calledNumber: calledNumber, calledName: nil, calledInternal: false, state: .new,
                          data: [:])
    }

    func endpoint(of username: String) -> Endpoint {
        let agent = agentRecords[username]!
        let number = agent.device?.extension ?? agent.profile.primaryExtension
        return Endpoint(username: username, number: number.map { String($0) } ?? username, name: agent.profile.displayname,
                        userID: agent.profile.id, groupID: agent.profile.groupID, lineID: agent.device?.line,
                        isInternal: true, channel: "SIP/\(number.map { String($0) } ?? username)")
    }

    // MARK: Views

    /// The Call object of `record` as `username` sees it (nil: as seen from outside).
    func view(_ record: CallRecord, for username: String?, now: Int64) -> Call {
        let outgoing = username.map { record.isCaller($0) } ?? record.caller.isInternal
        let other = outgoing ? record.callee : record.caller
        let country = settings.defaultCountry
        var call = Call(uniqueid: record.uniqueid, call_guid: record.guid, id: record.id, direction: outgoing ? .outgoing : .incoming,
                        state: record.state, number: other?.number ?? record.calledNumber,
                        caller_number: record.caller.number, called_number: record.calledNumber,
                        created: record.created, now: now, caller_type: record.caller.type)
        call.called_name = record.calledName
        call.called_number_norm = record.calledInternal ? nil : E164.normalize(record.calledNumber, defaultCountry: country)
        call.caller_channel = record.caller.channel
        call.caller_extension = record.caller.extensionNumber
        call.caller_group_id = record.caller.groupID
        call.caller_internal = record.caller.isInternal
        call.caller_line_id = record.caller.lineID
        call.caller_muted = record.callerMuted
        call.caller_name = record.caller.name
        call.caller_number_norm = record.caller.isInternal ? nil : E164.normalize(record.caller.number, defaultCountry: country)
        call.caller_user_id = record.caller.userID
        call.caller_username = record.caller.username
        call.cause = record.cause
        call.connected = record.connected
        if let callee = record.callee {
            call.connected_channel = callee.channel
            call.connected_group_id = callee.groupID
            call.connected_internal = callee.isInternal
            call.connected_line_id = callee.lineID
            call.connected_muted = record.calleeMuted
            call.connected_name = callee.name
            call.connected_number = callee.number
            call.connected_number_norm = callee.isInternal ? nil : E164.normalize(callee.number, defaultCountry: country)
            call.connected_type = callee.type
            call.connected_user_id = callee.userID
            call.connected_username = callee.username
        }
        call.data = record.data
        call.disconnected = record.disconnected
        call.name = other?.name
        call.outbound_id = record.outboundID
        call.subcalls = record.state == .ringing && record.callee?.username != nil ? 1 : 0
        return call
    }
}
