import Glibc
import Routes
import Switchboard
import WSFraming

/// The agent sessions of this process (docs/agent-protocol.md): the embedded Switchboard, every
/// signed-in user's tabs, their per-user sequence numbers and replay windows, ringing acks, dial
/// idempotency and the primary tab (§4). Lives on its own loop: tabs reach it through
/// `loop.execute`, and it answers the same way, so each tab receives its replies and events in
/// the order the hub made them. Password hashing runs on a second loop, off this one.
final class AgentHub: TimedHandler, @unchecked Sendable {
    let loop: EventLoop
    let settings: AgentSettings
    let switchboard: Switchboard
    var tickSlot = -1
    private let authenticator: Authenticator
    let hashing: EventLoop
    /// Verified when the user is unknown, so that the answer takes as long as for a known one.
    let decoyHash: String
    private var tabs: [ObjectIdentifier: Tab] = [:]
    var users: [String: AgentUser] = [:]
    /// Users with no tab left, and since when (loop milliseconds).
    private var detached: [String: UInt64] = [:]
    private var acks: RingingAcks
    private var dials: IdempotencyCache<SwitchboardReply>
    /// Password attempts per user name and per address (`AgentHub+Passwords.swift`).
    var logins: LoginLimiter
    /// Numbers as click-to-call and device Action URLs read them.
    let numbering: NumberPlan
    /// Click-to-call dials by `DialDedupKey`, with the call's uniqueid.
    var clickDials: IdempotencyCache<String>
    /// Who called each external number last (seeds/000).
    var lastCallers: LastCallers
    /// Webhooks out, on each call event.
    let actionURLs: ActionURLDispatcher

    /// What the hub knows of one tab.
    private struct Tab {
        let link: AgentLink
        var user: String?
        var loginPending = false
        /// Set when the tab attached with a Vodia popup token: it may call one number only.
        var restriction: VodiaSession?
    }

    init(settings: AgentSettings, directory: Directory, authenticator: Authenticator, numbering: NumberPlan,
         clickToCall: ClickToCallSettings, lastCallers: LastCallersSettings, actionURLs: ActionURLDispatcher) {
        self.settings = settings
        self.authenticator = authenticator
        self.numbering = numbering
        self.actionURLs = actionURLs
        clickDials = IdempotencyCache(windowMilliseconds: UInt64(clickToCall.dedupSeconds) * 1_000, capacity: 100_000)
        self.lastCallers = LastCallers(historyLength: lastCallers.historyLength, capacity: lastCallers.capacity)
        switchboard = Switchboard(directory: directory)
        loop = EventLoop(index: -1)
        hashing = EventLoop(index: -2)
        decoyHash = PasswordHash.make(password: "decoy", scheme: .pbkdf2SHA256(iterations: 100_000),
                                      salt: Array("callgate-decoy".utf8))
        acks = RingingAcks(timeoutMilliseconds: UInt64(settings.ackTimeoutMilliseconds), resends: settings.ackResends)
        dials = IdempotencyCache(windowMilliseconds: UInt64(settings.dialDedupSeconds) * 1_000, capacity: 100_000)
        logins = LoginLimiter(userMaxFailures: settings.loginMaxFailures, addressMaxFailures: settings.loginAddressMaxFailures,
                              windowMilliseconds: UInt64(settings.loginFailureWindowSeconds) * 1_000, capacity: 100_000)
    }

    /// Starts the hub's two threads.
    func start() -> [pthread_t] {
        loop.execute { [self] in loop.addTimed(self) }
        return [Thread.spawn(name: "callgate-agents") { [loop] in loop.run() },
                Thread.spawn(name: "callgate-hash") { [hashing] in hashing.run() }]
    }

    func stop() {
        loop.stop()
        hashing.stop()
    }

    var wallClock: Int64 { Int64(time(nil)) }

    // MARK: from tabs

    func opened(_ link: AgentLink) {
        tabs[ObjectIdentifier(link)] = Tab(link: link)
        send(.connect(version: settings.serverVersion), to: link)
        send(.credentials, to: link)
    }

    func closed(_ link: AgentLink) {
        guard let tab = tabs.removeValue(forKey: ObjectIdentifier(link)), let user = tab.user else { return }
        leave(link, user: user)
    }

    func request(_ link: AgentLink, id: RequestID, command: AgentCommand) {
        guard let tab = tabs[ObjectIdentifier(link)] else { return }
        let state = tab.user.map(switchboard.state(of:)) ?? .credentials
        if let error = command.method.check(in: state) {
            reply(link, .error(error.answering(id)))
            return
        }
        if let user = tab.user, let restriction = tab.restriction, let refusal = restriction.refusal(
            command, numbering: numbering, currentCallNumber: { [self] in switchboard.snapshot(of: user, now: wallClock)?.call?.number }) {
            loop.metrics.routeEvent("ws", "restricted")
            reply(link, .error(AgentProtocolError(id: id, kind: refusal)))
            return
        }
        switch command {
        case .login(let username, let password, _, let options):
            login(link, id: id, username: username, password: password, options: options)
        case .sso(let username, let token, let provider, let options):
            let result = authenticator.verify(.sso(username: username, token: token, provider: provider),
                                              channel: "ws", address: link.address)
            switch result {
            case .success:
                signIn(link, id: id, user: username, provider: provider.isEmpty ? "sso" : provider, method: .sso, options: options)
            case .failure(let error): refuseLogin(link, id: id, code: LoginErrorCode(error, method: .sso), reason: error.reason)
            }
        case .attach(let lastSeq, let token):
            attach(link, id: id, lastSeq: lastSeq, token: token)
        case .ack(let seq):
            acks.acknowledge(user: tab.user!, seq: seq)
            reply(link, .ok(id: id))
        case .logout:
            logout(tab.user!, by: link, id: id)
        case .notify(let params) where tab.user == nil:
            // Before login there is no user to number events for: the tab alone hears it.
            reply(link, .ok(id: id))
            send(params.type == .error ? .error(message: params.title)
                 : params.type == .warning ? .warning(message: params.title) : .info(message: params.title), to: link)
        case .dial(let params) where params.idempotencyKey != nil:
            let key = params.idempotencyKey!
            if let first = dials.value(user: tab.user!, key: key, now: loop.now) {
                loop.metrics.routeEvent("ws", "dial_deduplicated")
                reply(link, Self.reply(first, id: id))
            } else if let done = execute(command, user: tab.user!, link: link, id: id) {
                dials.remember(done, user: tab.user!, key: key, now: loop.now)
            }
        default:
            execute(command, user: tab.user!, link: link, id: id)
        }
        pump()
    }

    // MARK: signing in and out

    /// Longest user name a password is checked for; longer ones are refused at once (and are not
    /// kept by the throttle).
    static let maxUsernameBytes = 256

    private func login(_ link: AgentLink, id: RequestID, username: String, password: String, options: SignInOptions) {
        let key = ObjectIdentifier(link)
        guard tabs[key]?.loginPending == false else {
            reply(link, .error(AgentProtocolError(id: id, kind: .failed(code: "loginInProgress", text: "a login of this tab is being checked"))))
            return
        }
        tabs[key]?.loginPending = true
        verifyPassword(username: username, password: password, address: link.address) { [self] check in
            guard tabs[key] != nil else { return }
            tabs[key]?.loginPending = false
            switch check {
            case .valid, .disabled:
                // The Switchboard refuses a disabled user (`loginError` 4).
                signIn(link, id: id, user: username, provider: "password", method: .login, options: options)
            case .invalid:
                refuseLogin(link, id: id, code: .invalidCredentials, reason: "wrong user name or password")
            case .throttled(let block):
                loop.metrics.routeEvent("ws", "login_throttled")
                refuseLogin(link, id: id, code: .tooManyAttempts, reason: block.reason)
            }
            pump()
        }
    }

    /// A verified user becomes this tab's (`login`, `sso`): the tab gets its token and state.
    private func signIn(_ link: AgentLink, id: RequestID, user: String, provider: String, method: AgentMethod, options: SignInOptions) {
        tabs[ObjectIdentifier(link)]?.restriction = nil
        let (token, expires) = authenticator.issueSessionToken(user: user, provider: provider)
        guard let signedIn = admit(link, id: id, user: user, expires: expires, options: options) else { return }
        loop.metrics.routeEvent("ws", "logged_in")
        Log.info("agent_logged_in", ["user": user, "peer": link.address, "method": method.rawValue])
        reply(link, .loggedIn(id: id, user: user, token: token, expires: expires))
        welcome(link, signedIn, user: user)
        announcePrimary(user)
    }

    /// The Switchboard signs `user` in (unless they already are), other browsers are logged out
    /// (`autologout`, unless the login asked to keep them), and the tab joins the user's tabs.
    /// A login's options replace the user's; an `attach` (nil) keeps them. Nil, with
    /// `loginError` 4 sent, when the Switchboard refuses the user.
    private func admit(_ link: AgentLink, id: RequestID, user: String, expires: Int64?, options: SignInOptions? = nil) -> SignIn? {
        let signedIn: SignIn
        do {
            signedIn = try switchboard.signIn(user, identifiers: link.identifiers, now: wallClock)
        } catch {
            refuseLogin(link, id: id, code: .notAllowed, reason: error.text)
            return nil
        }
        pump()
        if options?.autologout ?? true { autologout(user, keeping: link) }
        join(link, user: user, expires: expires)
        if let options { users[user]!.logoutOnClose = options.logoutOnClose }
        return signedIn
    }

    /// The tab's first view of its user: `user`, then `ready` for a READY user, else
    /// `identify` (and `identifier` when a candidate named a phone).
    private func welcome(_ link: AgentLink, _ signedIn: SignIn, user: String) {
        send(.user(signedIn.user), to: link)
        if signedIn.state == .ready, var snapshot = signedIn.snapshot {
            snapshot.lastSeq = window(of: user).lastSeq
            send(.ready(snapshot), to: link)
        } else {
            send(.identify(identificators: signedIn.identificators), to: link)
            if let identifier = signedIn.identifier { send(.identifier(identificator: identifier), to: link) }
        }
    }

    /// `attach` (§4): a session token (or the upgrade's credential) re-joins the user's event
    /// stream after `lastSeq`, with the missed events or a fresh `ready`. A Vodia popup token
    /// (scope `makecall`) restricts the tab to its number (`VodiaSession`).
    private func attach(_ link: AgentLink, id: RequestID, lastSeq: UInt64, token: String?) {
        var verified: Result<Identity, AuthError>
        var restriction: VodiaSession?
        if let token {
            verified = authenticator.verify(.session(token: token), channel: "ws", address: link.address)
            if case .failure(.wrongScope) = verified {
                verified = authenticator.sessions.verify(token, scope: VodiaSession.scope, now: wallClock).flatMap { claims in
                    restriction = VodiaSession(claims: claims)
                    return restriction == nil ? .failure(.malformed("makecall token without a number"))
                        : .success(claims.identity(address: link.address))
                }
            }
        } else {
            verified = link.upgradeIdentity.map { .success($0) } ?? .failure(.missingCredential)
        }
        let identity: Identity
        switch verified {
        case .success(let value): identity = value
        case .failure(let error):
            refuseLogin(link, id: id, code: .invalidSessionToken, reason: error.reason)
            return
        }
        let user = identity.user
        tabs[ObjectIdentifier(link)]?.restriction = restriction
        if switchboard.state(of: user) == .credentials {
            // Signed out since (no tab for too long, or a restart): sign in afresh.
            guard let signedIn = admit(link, id: id, user: user, expires: identity.expires) else { return }
            reply(link, .attached(id: id, state: signedIn.state, lastSeq: window(of: user).lastSeq, complete: false))
            welcome(link, signedIn, user: user)
        } else {
            autologout(user, keeping: link)
            join(link, user: user, expires: identity.expires)
            let state = switchboard.state(of: user)
            switch users[user]!.window.replay(after: lastSeq, now: loop.now) {
            case .complete(let missed):
                reply(link, .attached(id: id, state: state, lastSeq: window(of: user).lastSeq, complete: true))
                for entry in missed { link.loop.execute { link.push(entry.bytes) } }
            case .incomplete:
                loop.metrics.routeEvent("ws", "attach_incomplete")
                reply(link, .attached(id: id, state: state, lastSeq: window(of: user).lastSeq, complete: false))
                if state == .ready, var snapshot = switchboard.snapshot(of: user, now: wallClock) {
                    snapshot.lastSeq = window(of: user).lastSeq
                    send(.ready(snapshot), to: link)
                } else if let snapshot = switchboard.snapshot(of: user, now: wallClock) {
                    send(.user(snapshot.user), to: link)
                    send(.identify(identificators: []), to: link)
                }
            }
        }
        loop.metrics.routeEvent("ws", "attached")
        announcePrimary(user)
    }

    private func refuseLogin(_ link: AgentLink, id: RequestID, code: LoginErrorCode, reason: String) {
        loop.metrics.routeEvent("ws", "login_refused")
        Log.info("agent_login_refused", ["peer": link.address, "code": "\(code.rawValue)", "reason": reason])
        reply(link, .error(AgentProtocolError(id: id, kind: .failed(code: "loginFailed", text: code.defaultMessage))))
        send(.loginError(code: code, message: code.defaultMessage), to: link)
    }

    /// seeds/004 `autologout`: the user's tabs in other browsers (other addresses) are logged out.
    private func autologout(_ user: String, keeping link: AgentLink) {
        guard settings.autologout, let others = users[user]?.tabs.filter({ $0.address != link.address }), !others.isEmpty else { return }
        for other in others {
            Log.info("agent_autologout", ["user": user, "peer": other.address, "new_peer": link.address])
            loop.metrics.routeEvent("ws", "autologout")
            drop(other, from: user)
            send(.loginError(code: .loggedInElsewhere, message: LoginErrorCode.loggedInElsewhere.defaultMessage), to: other)
            send(.credentials, to: other)
        }
    }

    /// `logout`: the user leaves the Switchboard, and every tab goes back to CREDENTIALS.
    private func logout(_ user: String, by link: AgentLink, id: RequestID) {
        switchboard.signOut(user, now: wallClock)
        pump()
        acks.cancel(user: user)
        reply(link, .ok(id: id))
        for tab in users[user]?.tabs ?? [] {
            drop(tab, from: user)
            send(.credentials, to: tab)
        }
        detached[user] = nil
        Log.info("agent_logged_out", ["user": user, "peer": link.address])
    }

    // MARK: tabs of a user

    private func join(_ link: AgentLink, user: String, expires: Int64?) {
        tabs[ObjectIdentifier(link)]?.user = user
        users[user, default: AgentUser(window: newWindow())].tabs.append(link)
        detached[user] = nil
        link.loop.execute { link.authenticated(until: expires) }
    }

    /// The tab leaves its user but stays connected (logged out, or logged in elsewhere).
    private func drop(_ link: AgentLink, from user: String) {
        tabs[ObjectIdentifier(link)]?.user = nil
        users[user]?.tabs.removeAll { $0 === link }
        link.loop.execute { link.authenticated(until: nil) }
    }

    private func leave(_ link: AgentLink, user: String) {
        users[user]?.tabs.removeAll { $0 === link }
        if users[user]?.tabs.isEmpty == true {
            detached[user] = loop.now
        } else {
            announcePrimary(user)
        }
    }

    /// Tells every tab of `user` whether it is the primary one (the oldest) and how many there are.
    private func announcePrimary(_ user: String) {
        guard let tabs = users[user]?.tabs else { return }
        for (index, tab) in tabs.enumerated() {
            send(.primary(primary: index == 0, tabs: tabs.count), to: tab)
        }
    }

    private func window(of user: String) -> ReplayWindow {
        users[user]?.window ?? newWindow()
    }

    func newWindow() -> ReplayWindow {
        ReplayWindow(capacity: settings.replayEvents, maxBytes: settings.replayBytes,
                     maxAgeMilliseconds: UInt64(settings.replayAgeSeconds) * 1_000)
    }

    // MARK: the Switchboard

    /// Runs a call-control command; the reply when it succeeded.
    @discardableResult
    private func execute(_ command: AgentCommand, user: String, link: AgentLink, id: RequestID) -> SwitchboardReply? {
        do {
            let done = try switchboard.execute(command, for: user, now: wallClock)
            var answer = Self.reply(done, id: id)
            if case .state(id: let id, var snapshot) = answer {
                snapshot.lastSeq = window(of: user).lastSeq
                answer = .state(id: id, snapshot)
            }
            reply(link, answer)
            return done
        } catch {
            reply(link, .error(AgentProtocolError(id: id, kind: .failed(code: error.code, text: error.text))))
            return nil
        }
    }

    private static func reply(_ done: SwitchboardReply, id: RequestID) -> AgentReply {
        switch done {
        case .ok: .ok(id: id)
        case .fields(let fields): .result(id: id, fields)
        case .state(let snapshot): .state(id: id, snapshot)
        case .callHistory(let calls, let total): .callHistory(id: id, calls: calls, total: total)
        }
    }

    /// The `report` channel's `callHistory` for `user` (signed in or not), encoded as its reply.
    func callHistory(of user: String, _ query: CallHistoryQuery, id: RequestID) -> [UInt8] {
        let page = switchboard.callHistory(of: user, query, now: wallClock)
        return AgentReply.callHistory(id: id, calls: page.calls, total: page.total).encoded()
    }

    /// Delivers what the Switchboard emitted: per-user events numbered, kept for `attach` and
    /// sent to every tab of the user; session events to every tab, `ready` with its `lastSeq`.
    func pump() {
        for addressed in switchboard.takeEvents() {
            let user = addressed.user
            var agent = users.removeValue(forKey: user) ?? AgentUser(window: newWindow())
            switch addressed.event {
            case .ready(var snapshot):
                snapshot.lastSeq = agent.window.lastSeq
                deliver(AgentEvent.ready(snapshot).encoded(seq: nil), to: agent.tabs)
            case let event where event.scope == .session:
                deliver(event.encoded(seq: nil), to: agent.tabs)
            case let event:
                deliverNumbered(event, to: user, agent: &agent, party: nil)
            }
            users[user] = agent
        }
    }

    /// A per-user event: callers of an incoming call's number added, numbered, kept for
    /// `attach`, sent to every tab, then recorded and relayed as Action URLs (`party`: the
    /// phone's own `local_party` when the event came from it).
    func deliverNumbered(_ emitted: AgentEvent, to user: String, agent: inout AgentUser, party: (party: String, alias: String)?) {
        let event = withLastCallers(emitted)
        let entry = agent.window.append(now: loop.now) { event.encoded(seq: $0) }
        deliver(entry.bytes, to: agent.tabs)
        track(event, entry: entry, of: user, agent: &agent)
        watch(event, of: user, party: party)
    }

    /// Ringing acks (§4): an incoming `callRinging` waits for one; the call's next state ends the wait.
    private func track(_ event: AgentEvent, entry: ReplayWindow.Entry, of user: String, agent: inout AgentUser) {
        switch event {
        case .callRinging(let call) where call.direction == .incoming:
            agent.ringing = (call.uniqueid, entry)
            acks.expect(user: user, seq: entry.seq, now: loop.now)
        case .callConnect(let call), .callHangup(let call):
            if agent.ringing?.uniqueid == call.uniqueid {
                agent.ringing = nil
                acks.cancel(user: user)
            }
        default:
            break
        }
    }

    // MARK: delivery

    /// One closure per loop, whatever the number of tabs: a fan-out to thousands of tabs costs a
    /// few wake-ups, not one per tab.
    private func deliver(_ bytes: [UInt8], to links: [AgentLink]) {
        if links.count == 1 {
            let link = links[0]
            link.loop.execute { link.push(bytes) }
            return
        }
        var byLoop: [ObjectIdentifier: [AgentLink]] = [:]
        for link in links { byLoop[ObjectIdentifier(link.loop), default: []].append(link) }
        for group in byLoop.values {
            group[0].loop.execute { for link in group { link.push(bytes) } }
        }
    }

    private func send(_ event: AgentEvent, to link: AgentLink) {
        let bytes = event.encoded(seq: nil)
        link.loop.execute { link.push(bytes) }
    }

    private func reply(_ link: AgentLink, _ reply: AgentReply) {
        let bytes = reply.encoded()
        link.loop.execute { link.reply(bytes) }
    }

    // MARK: the admin API

    /// An admin command (docs/admin-api.md), carried out on this loop.
    func admin(_ command: AdminCommand) -> (status: Int, body: [UInt8]) {
        let response = switchboard.perform(command, now: wallClock)
        pump()
        return response
    }

    /// The agent side of the status page (docs/status.md): open tabs, users with a tab,
    /// signed-in agents by status, live calls and waiting callers.
    func statusSummary() -> JSONValue {
        let signedIn = switchboard.agents.filter { $0.state != .credentials }
        var statuses: [String: JSONValue] = [:]
        for status in AgentStatus.allCases {
            statuses[status.rawValue] = .integer(signedIn.filter { $0.status == status }.count)
        }
        return .object([
            "tabs": .integer(tabs.count),
            "users": .integer(users.values.filter { !$0.tabs.isEmpty }.count),
            "signedIn": .integer(signedIn.count),
            "statuses": .object(statuses),
            "calls": .integer(switchboard.liveCalls),
            "waitingCallers": .integer(switchboard.waitingCallers),
        ])
    }

    // MARK: timers

    func tick(now: UInt64) {
        switchboard.tick(now: wallClock)
        for due in acks.due(now: now) {
            switch due {
            case .resend(let user, let seq):
                if let ringing = users[user]?.ringing, ringing.entry.seq == seq {
                    loop.metrics.routeEvent("ws", "ringing_resent")
                    deliver(ringing.entry.bytes, to: users[user]!.tabs)
                }
            case .unreachable(let user, let seq):
                loop.metrics.routeEvent("ws", "agent_unreachable")
                Log.info("agent_unreachable", ["user": user, "seq": "\(seq)"])
                users[user]?.ringing = nil
                switchboard.unreachable(user, now: wallClock)
            }
        }
        for (user, since) in detached {
            let closed = users[user]?.logoutOnClose == true
            let seconds = closed ? settings.closedLogoutSeconds : settings.detachedLogoutSeconds
            guard now - since >= UInt64(seconds) * 1_000 else { continue }
            detached[user] = nil
            users[user]?.logoutOnClose = false
            Log.info(closed ? "agent_closed_logout" : "agent_detached_logout", ["user": user])
            switchboard.signOut(user, now: wallClock)
        }
        pump()
    }
}

/// One user's tabs, oldest first (the first is primary), and the user's numbered events.
struct AgentUser {
    var tabs: [AgentLink] = []
    /// The last login asked to sign the user out soon after the last tab goes (`SignInOptions`).
    var logoutOnClose = false
    var window: ReplayWindow
    /// The incoming call ringing now and its event, for the resend.
    var ringing: (uniqueid: String, entry: ReplayWindow.Entry)?
}
