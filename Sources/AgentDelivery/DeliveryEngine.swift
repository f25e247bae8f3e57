import ClickToCall
import LastCallersWidget
import AgentProtocol
import CallControlMessages
import MuxEnvelope

/// The rules of agent delivery (docs/agent-protocol.md §2.2, §4, §5.2; docs/cluster.md §5), apart
/// from sockets, threads, clocks and the call-control back end: every tab and signed-in user, the
/// per-user `seq` and replay window with `attach`, ringing acks with resend and "unreachable", the
/// primary tab, `autologout` and the tab id, the sign-out timers, `dial` idempotency,
/// click-to-call resolution and dedup, the login throttle, last callers and the Action URL
/// hand-off.
///
/// Each input (`DeliveryInput`) returns the actions to perform (`DeliveryAction`), in order; the
/// gateway's `AgentHub` performs them and feeds back the answers of what it was asked (a
/// call-control request, a password, a credential) as inputs with the same `Ticket`. Nothing is
/// asked synchronously: the engine keeps its own view of each user (state, calls) from the
/// sign-in answers and the events it delivers. Time comes with each input.
public struct DeliveryEngine: Sendable {
    public let settings: DeliverySettings
    /// Numbers as click-to-call and device Action URLs read them.
    let numbering: NumberPlan
    /// Each directory user's display name (directory data, which every instance reads).
    let displayNames: [String: String]
    /// Click-to-call's dedup window (`clickToCall.dedupSeconds`).
    let clickDedupMilliseconds: UInt64
    /// The Action URL targets' UTC offset, nil when there are no targets (nothing is published).
    let actionURLOffsetSeconds: Int?
    /// Per-user events are numbered by a shared engine (Redis, docs/cluster.md §6) that every
    /// instance appends to and reads from (`.append`, `.readStream`, `.streamEntries`); false:
    /// numbered and kept here, in each user's `ReplayWindow` (one process, the default).
    public let sharedStream: Bool
    /// This gateway instance's name, with a shared engine (its own `TabJoined` comes back to it).
    public let instance: String

    var tabs: [TabID: TabRecord] = [:]
    var users: [String: UserRecord] = [:]
    /// Users with no tab left, and since when (milliseconds).
    var detached: [String: UInt64] = [:]
    var acks: RingingAcks
    /// `dial` replies by (user, `idempotencyKey`).
    var dials: IdempotencyCache<CallControlReply>
    /// Keyed dials under way, and the repeats waiting for their reply.
    var dialsUnderWay: [DialKey: [(tab: TabID, id: RequestID)]] = [:]
    /// Click-to-call dials by `DialDedupKey`, with the call's uniqueid.
    var clickDials: IdempotencyCache<String>
    /// Click-to-call dials under way, and the repeats waiting for their answer.
    var clicksUnderWay: [DialDedupKey: [AskID]] = [:]
    /// Password attempts per user name and per address.
    var logins: LoginLimiter
    /// Who called each external number last (docs/compatibility.md §5).
    var lastCallers: LastCallers
    /// What to do with each answer still to come.
    var pending: [Ticket: Pending] = [:]
    /// Claims another instance holds while its work is under way, asked again at the next tick.
    var claimsToRetry: [(key: String, ttlMilliseconds: Int, next: Pending)] = []
    private var lastTicket: UInt64 = 0
    /// Other instances, and when each was last heard (monotonic ms), with a shared engine.
    var instancesHeard: [String: UInt64] = [:]
    /// When this instance's next heartbeat is due (monotonic ms).
    var nextHeartbeat: UInt64 = 0
    /// The time of the input being handled.
    var time = DeliveryTime(milliseconds: 0, unixSeconds: 0)
    /// The actions of the input being handled.
    var actions: [DeliveryAction] = []

    struct DialKey: Hashable, Sendable {
        let user: String
        let key: String
    }

    public init(settings: DeliverySettings, numbering: NumberPlan, displayNames: [String: String], lastCallers: LastCallers,
                clickDedupSeconds: Int, actionURLOffsetSeconds: Int?, sharedStream: Bool = false, instance: String = "") {
        self.sharedStream = sharedStream
        self.instance = instance
        self.settings = settings
        self.numbering = numbering
        self.displayNames = displayNames
        self.lastCallers = lastCallers
        clickDedupMilliseconds = UInt64(clickDedupSeconds) * 1_000
        self.actionURLOffsetSeconds = actionURLOffsetSeconds
        acks = RingingAcks(timeoutMilliseconds: UInt64(settings.ackTimeoutMilliseconds), resends: settings.ackResends)
        dials = IdempotencyCache(windowMilliseconds: UInt64(settings.dialDedupSeconds) * 1_000, capacity: 100_000)
        clickDials = IdempotencyCache(windowMilliseconds: clickDedupMilliseconds, capacity: 100_000)
        logins = LoginLimiter(userMaxFailures: settings.loginMaxFailures, addressMaxFailures: settings.loginAddressMaxFailures,
                              windowMilliseconds: UInt64(settings.loginFailureWindowSeconds) * 1_000, capacity: 100_000)
    }

    /// What to do about `input` at `time`, in order.
    public mutating func handle(_ input: DeliveryInput, at time: DeliveryTime) -> [DeliveryAction] {
        self.time = time
        switch input {
        case .tabOpened(let tab, let origin): open(tab, origin)
        case .tabClosed(let tab): close(tab)
        case .request(let tab, let id, let command): request(tab, id: id, command)
        case .callControlAnswered(let ticket, let answer): answered(ticket, answer)
        case .callControlEvents(let events): received(events)
        case .passwordChecked(let ticket, let match): passwordChecked(ticket, match)
        case .credentialChecked(let ticket, let result): credentialChecked(ticket, result)
        case .tick: tick()
        case .clickToCall(let ask, let request, let caller): clickToCall(ask, request, caller: caller)
        case .deviceEvent(let ask, let event, let caller): deviceEvent(ask, event, caller: caller)
        case .passwordAttempt(let ask, let username, let password, let address):
            passwordAttempt(ask, username: username, password: password, address: address)
        case .edgeCallEvents(let user, let events): phoneCallEvents(events, of: user)
        case .streamAppended(let ticket, let result): streamAppended(ticket, result)
        case .streamRead(let ticket, let result): streamRead(ticket, result)
        case .streamEntries(let user, let entries): absorb(entries, of: user)
        case .claimed(let ticket, let result): claimed(ticket, result)
        case .attemptCounted(let ticket, let result): attemptCounted(ticket, result)
        case .streamAcked(let user, let seq): acks.acknowledge(user: user, seq: seq)
        case .streamResend(let user, let seq): resendFromCopy(user, seq: seq)
        case .tabJoinedElsewhere(let user, let joined): joinedElsewhere(user, joined)
        case .tabPresence(let user, let presence): presenceHeard(user, presence)
        case .instanceHeard(let instance): heard(instance)
        case .lastCallersFound(let ticket, let result): lastCallersFound(ticket, result)
        case .sharedStateUp: sharedStateUp()
        }
        defer { actions = [] }
        return actions
    }

    // MARK: what the status page and the last-callers widget read

    /// Open tabs.
    public var tabCount: Int { tabs.count }

    /// Users with at least one tab.
    public var usersWithTabs: Int { users.values.filter { !$0.tabs.isEmpty }.count }

    /// The `/lastcaller/` widget's answer for `number` (E.164), or nobody for nil.
    public func lastCallersReply(number: String?) -> LastCallersReply {
        LastCallersReply(number: number, callers: number.map(lastCallers.lookup(number:)) ?? [])
    }

    // MARK: actions

    /// One event to one tab, without `seq`.
    mutating func send(_ event: AgentEvent, to tab: TabID) {
        actions.append(.send(event.encoded(seq: nil), to: [tab]))
    }

    /// The same bytes to every tab of `tabs` (none: nothing).
    mutating func deliver(_ bytes: [UInt8], to tabs: [TabID]) {
        if !tabs.isEmpty { actions.append(.send(bytes, to: tabs)) }
    }

    mutating func reply(_ tab: TabID, _ reply: AgentReply) {
        actions.append(.reply(tab, reply))
    }

    mutating func count(_ event: String, channel: String = "ws") {
        actions.append(.count(channel: channel, event: event))
    }

    mutating func log(_ event: String, _ fields: KeyValuePairs<String, String>) {
        actions.append(.log(LogLine(event, fields)))
    }

    /// Asks the call-control back end; `then` is what to do with the answer (nil: nothing).
    mutating func ask(_ request: CallControlRequest, then next: Pending?) {
        let ticket = next.map { issue($0) }
        actions.append(.callControl(request, ticket: ticket))
    }

    /// A new ticket, with what to do when its answer comes.
    mutating func issue(_ next: Pending) -> Ticket {
        lastTicket += 1
        let ticket = Ticket(lastTicket)
        pending[ticket] = next
        return ticket
    }

    /// A user's record, made on first need with an empty window.
    mutating func takeRecord(_ user: String) -> UserRecord {
        users.removeValue(forKey: user) ?? UserRecord(window: newWindow())
    }

    func lastSeq(of user: String) -> UInt64 {
        users[user]?.window.lastSeq ?? 0
    }

    /// The stream's epoch as this instance knows it; nil without a shared engine or before it knows.
    func epoch(of user: String) -> String? {
        guard sharedStream, let epoch = users[user]?.epoch, !epoch.isEmpty else { return nil }
        return epoch
    }

    /// A state object stamped with where the user's stream stands: the events it reflects.
    func stamped(_ snapshot: AgentSnapshot, user: String) -> AgentSnapshot {
        var stamped = snapshot
        stamped.lastSeq = lastSeq(of: user)
        stamped.epoch = epoch(of: user)
        return stamped
    }

    func newWindow(lastSeq: UInt64 = 0) -> ReplayWindow {
        ReplayWindow(capacity: settings.replayEvents, maxBytes: settings.replayBytes,
                     maxAgeMilliseconds: UInt64(settings.replayAgeSeconds) * 1_000, lastSeq: lastSeq)
    }
}
