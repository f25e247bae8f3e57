import AgentProtocol

/// One directory user's live state: sign-in state, pairing, availability, calls, statistics.
struct AgentRecord {
    let profile: DirectoryUser
    /// The docs/compatibility.md §1.7 User object; `status` is the agent's availability, statistics are kept in it.
    var user: User
    var reason: String?
    var state: AgentState = .credentials
    var device: DirectoryDevice?
    var identifier: String?
    /// The uniqueids of the agent's calls: one, or two during a consultative transfer (the held
    /// call first, the consultation last). The last is the current call.
    var calls: [String] = []
    /// `transfer` without a number: the next `dial` is the consultation call.
    var transferMode = false
    var acwUntil: Int64?
    /// Since when the agent has had no call, for longest-idle distribution.
    var idleSince: Int64 = 0
    /// Status times are counted up to here.
    var accounted: Int64 = 0
    var ringingSound: RingingSound = .default
    /// The agent's ended legs of calls, newest last, each the Call as the agent saw it when
    /// their part ended (`callHistory`; `setAccountCode` after the call). One per call: a later
    /// leg of the same call replaces the earlier.
    var history: [Call] = []
    /// The waitingCallers the agent was last told.
    var waitingSeen = 0
    /// A call the Switchboard does not carry occupies the agent (the web phone's, relayed by the
    /// SIP edge): it is neither offered queue calls nor rung (`setBusy`).
    var busy = false

    var current: String? { calls.last }
    var signedIn: Bool { state != .credentials }

    init(profile: DirectoryUser, queueTypes: [Int: QueueType]) {
        self.profile = profile
        var user = User(id: profile.id, displayname: profile.displayname, firstname: profile.firstname,
                        lastname: profile.lastname, locale: profile.locale, status: .offline)
        user.data = profile.data
        user.email = profile.email
        user.external_id = profile.externalID
        user.group_id = profile.groupID
        user.lines = profile.lines
        user.number = profile.number
        user.primary_extension = profile.primaryExtension
        user.superuser = profile.superuser
        for membership in profile.queues {
            user.queues[membership.queue] = Queue(queue_id: membership.queue, type: queueTypes[membership.queue] ?? .incoming,
                                                  priority: membership.priority, supervisor: membership.supervisor,
                                                  team_id: membership.teamID)
        }
        self.user = user
    }

    /// Counts status time from `accounted` to `time` (readytime, idletime, auxtime and
    /// auxtimes, acwtime, and suspendtime per suspended queue), while signed in.
    mutating func settle(to time: Int64) {
        let elapsed = Int(time - accounted)
        guard elapsed > 0 else { return }
        accounted = time
        guard signedIn else { return }
        switch user.status {
        case .ready:
            user.readytime += elapsed
            if calls.isEmpty { user.idletime += elapsed }
        case .aux:
            user.auxtime += elapsed
            user.auxtimes[reason ?? "", default: 0] += elapsed
        case .acw:
            user.acwtime += elapsed
        case .offline:
            break
        }
        for (id, queue) in user.queues where queue.suspended {
            user.queues[id]!.suspendtime += elapsed
        }
    }

    /// One call's ringing ended for this agent: answered or not, incoming (the agent was rung)
    /// or outgoing (the agent dialled), `seconds` rung, under `queue` if any.
    mutating func countRing(seconds: Int, incoming: Bool, answered: Bool, queue: Int?) {
        user.ringtime += seconds
        if incoming {
            user.in_ringtime += seconds
            if answered { user.in_calls_answered += 1 } else { user.in_calls_unanswered += 1 }
        } else {
            user.out_ringtime += seconds
            if answered { user.out_calls_answered += 1 } else { user.out_calls_unanswered += 1 }
        }
        if let queue, user.queues[queue] != nil {
            user.queues[queue]!.ringtime += seconds
            if answered { user.queues[queue]!.answered += 1 } else { user.queues[queue]!.unanswered += 1 }
        }
    }

    mutating func countTalk(seconds: Int, incoming: Bool, queue: Int?) {
        user.talktime += seconds
        if incoming { user.in_talktime += seconds } else { user.out_talktime += seconds }
        if let queue, user.queues[queue] != nil { user.queues[queue]!.talktime += seconds }
    }

    mutating func countTransfer(external: Bool, queue: Int?) {
        if external { user.transferred_external += 1 } else { user.transferred += 1 }
        if let queue, user.queues[queue] != nil {
            if external { user.queues[queue]!.transferred_external += 1 } else { user.queues[queue]!.transferred += 1 }
        }
    }

    mutating func remember(_ leg: Call, keeping limit: Int) {
        history.removeAll { $0.uniqueid == leg.uniqueid }
        history.append(leg)
        if history.count > limit { history.removeFirst(history.count - limit) }
    }

    /// Whether the agent had a part in the call `uniqueid` that has ended.
    func hadLeg(_ uniqueid: String) -> Bool {
        history.contains { $0.uniqueid == uniqueid }
    }
}
