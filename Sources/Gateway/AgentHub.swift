import AgentDelivery
import Glibc
import Routes
import ClickToCall
import LastCallersWidget
import AgentProtocol
import AuthSchemes
import MuxEnvelope
import Switchboard
import WSFraming

/// The agent sessions of this process (docs/agent-protocol.md): the I/O around the delivery
/// engine (`DeliveryEngine`, `Sources/AgentDelivery`), which holds every rule. The hub numbers the
/// tabs, feeds the engine what happens (a tab opens, a request, a back-end answer or event, the
/// timer, an HTTP ask) and performs the actions it returns (`AgentHub+Actions.swift`): bytes to
/// tabs, call-control requests (`CallControl`, the embedded Switchboard by default), password and
/// credential checks, Action URLs, logs and metrics.
///
/// Lives on its own loop: tabs reach it through `loop.execute`, and it answers the same way, so
/// each tab receives its replies and events in the order the engine made them. Password hashing
/// runs on a second loop, off this one.
final class AgentHub: TimedHandler, @unchecked Sendable {
    let loop: EventLoop
    /// Where password hashes are compared (`AgentHub+Passwords.swift`).
    let hashing: EventLoop
    let settings: AgentSettings
    /// Users, their password hashes and phones: configuration every instance reads
    /// (docs/directory.md).
    let directory: Directory
    let callControl: CallControl
    /// Webhooks out, on each call event.
    let actionURLs: ActionURLDispatcher
    let authenticator: Authenticator
    /// The shared engine with `state.engine` `redis` (docs/cluster.md §6); nil: per-user events are
    /// numbered and kept here.
    let shared: SharedState?
    /// The TLS session-ticket keys shared through Redis (set before `start`, with TLS listeners).
    var ticketKeys: SharedTicketKeys?
    var tickSlot = -1
    /// Verified when the user is unknown, so that the answer takes as long as for a known one.
    let decoyHash: String
    var engine: DeliveryEngine
    /// Every open tab's link, by the id the engine knows it by.
    var links: [TabID: AgentLink] = [:]
    private var tabIDs: [ObjectIdentifier: TabID] = [:]
    private var lastTabID: UInt64 = 0
    /// Asks from outside a tab waiting for the engine's answer.
    var asks: [AskID: (DeliveryAnswer) -> Void] = [:]
    var lastAskID: UInt64 = 0
    /// Inputs waiting their turn: one that arrives while the engine's actions are being performed
    /// (an answer the embedded back end gives at once, its events) is handled after them.
    private var inbox: [DeliveryInput] = []
    private var handling = false
    /// Set on SIGTERM: the tabs to tell to reconnect, to keep for a call, to close (`AgentHub+Drain.swift`).
    var drain: Drain<TabID>?

    init(settings: AgentSettings, directory: Directory, callControl: CallControl, authenticator: Authenticator,
         numbering: NumberPlan, clickToCall: ClickToCallSettings, lastCallers: LastCallersSettings, actionURLs: ActionURLDispatcher,
         state: StateSettings = StateSettings()) throws(RedisError) {
        self.settings = settings
        self.directory = directory
        self.callControl = callControl
        self.authenticator = authenticator
        self.actionURLs = actionURLs
        loop = EventLoop(index: -1)
        hashing = EventLoop(index: -2)
        shared = state.engine == .redis ? try SharedState(settings: state, delivery: settings.delivery, lastCallers: lastCallers, loop: loop) : nil
        decoyHash = PasswordHash.make(password: "decoy", scheme: .pbkdf2SHA256(iterations: 100_000),
                                      salt: Array("callgate-decoy".utf8))
        var delivery = settings.delivery
        delivery.presenceHeartbeatMilliseconds = state.presenceHeartbeatMilliseconds
        delivery.presenceTimeoutMilliseconds = state.presenceTimeoutMilliseconds
        delivery.presenceAnswerMilliseconds = state.presenceAnswerMilliseconds
        engine = DeliveryEngine(
            settings: delivery, numbering: numbering,
            displayNames: Dictionary(directory.users.map { ($0.username, $0.displayname) }, uniquingKeysWith: { first, _ in first }),
            lastCallers: LastCallers(historyLength: lastCallers.historyLength, capacity: lastCallers.capacity),
            clickDedupSeconds: clickToCall.dedupSeconds,
            actionURLOffsetSeconds: actionURLs.settings.targets.isEmpty ? nil : actionURLs.settings.targetUTCOffsetSeconds,
            sharedStream: shared != nil, instance: InstanceName.current)
        callControl.onEvents = { [unowned self] events in handle(.callControlEvents(events)) }
        shared?.onEntries = { [unowned self] user, entries in handle(.streamEntries(user: user, entries)) }
        shared?.onUp = { [unowned self] in handle(.sharedStateUp) }
        shared?.onAck = { [unowned self] user, seq in handle(.streamAcked(user: user, seq: seq)) }
        shared?.onResend = { [unowned self] user, seq in handle(.streamResend(user: user, seq: seq)) }
        shared?.onJoined = { [unowned self] user, joined in handle(.tabJoinedElsewhere(user: user, joined)) }
        shared?.onPresence = { [unowned self] user, presence in handle(.tabPresence(user: user, presence)) }
        shared?.onHeartbeat = { [unowned self] instance in handle(.instanceHeard(instance)) }
    }

    /// Starts the hub's two threads; the call control starts on the hub's loop.
    func start() -> [pthread_t] {
        loop.execute { [self] in
            callControl.start(on: loop)
            shared?.start()
            loop.addTimed(self)
        }
        return [Thread.spawn(name: "callgate-agents") { [loop] in loop.run() },
                Thread.spawn(name: "callgate-hash") { [hashing] in hashing.run() }]
    }

    func stop() {
        loop.stop()
        hashing.stop()
    }

    // MARK: from tabs (on the hub's loop)

    func opened(_ link: AgentLink) {
        lastTabID += 1
        let tab = TabID(lastTabID)
        links[tab] = link
        tabIDs[ObjectIdentifier(link)] = tab
        handle(.tabOpened(tab, TabOrigin(address: link.address, identifiers: link.identifiers, upgradeIdentity: link.upgradeIdentity)))
    }

    func closed(_ link: AgentLink) {
        guard let tab = tabIDs.removeValue(forKey: ObjectIdentifier(link)) else { return }
        links[tab] = nil
        handle(.tabClosed(tab))
    }

    func request(_ link: AgentLink, id: RequestID, command: AgentCommand) {
        guard let tab = tabIDs[ObjectIdentifier(link)] else { return }
        handle(.request(tab, id, command))
    }

    func tick(now: UInt64) {
        ticketKeys?.tick(now: now)
        renewLinkLeases(now: now)
        handle(.tick)
        reviewDrain()
    }

    // MARK: the engine

    /// Hands `input` to the engine and performs what it decides; inputs that arrive meanwhile
    /// wait their turn, so the actions of one input are all performed before the next's.
    func handle(_ input: DeliveryInput) {
        inbox.append(input)
        guard !handling else { return }
        handling = true
        var next = 0
        while next < inbox.count {
            let input = inbox[next]
            next += 1
            let unixMilliseconds = RedisStateEngine.unixMilliseconds()
            perform(engine.handle(input, at: DeliveryTime(milliseconds: loop.now, unixSeconds: unixMilliseconds / 1_000,
                                                          unixMilliseconds: unixMilliseconds)))
        }
        inbox.removeAll(keepingCapacity: true)
        handling = false
    }
}
