import AgentProtocol
import CallControlMessages
import MuxEnvelope

/// A tab's requests (docs/agent-protocol.md §2): the state check against the engine's view of
/// the user, a popup tab's restriction (§2.3), then the gateway's own methods (`login`, `sso`,
/// `attach`, `ack`, `logout`) or the back end's commands, a keyed `dial` at most once per
/// `dialDedupSeconds` (§4).
extension DeliveryEngine {
    mutating func request(_ tab: TabID, id: RequestID, _ command: AgentCommand) {
        guard let record = tabs[tab] else { return }
        let state = record.user.map { users[$0]?.state ?? .credentials } ?? .credentials
        if let error = command.method.check(in: state) {
            reply(tab, .error(error.answering(id)))
            return
        }
        if let user = record.user, let restriction = record.restriction {
            let current = users[user]?.calls.last?.number
            if let refusal = restriction.refusal(command, numbering: numbering, currentCallNumber: { current }) {
                count("restricted")
                reply(tab, .error(AgentProtocolError(id: id, kind: refusal)))
                return
            }
        }
        switch command {
        case .login(let username, let password, _, let options):
            login(tab, id: id, username: username, password: password, options: options)
        case .sso(let username, let token, let provider, let options):
            let ticket = issue(.sso(tab, id, username: username, provider: provider, options: options))
            actions.append(.verify(ticket, .sso(username: username, token: token, provider: provider), address: record.origin.address))
        case .attach(let lastSeq, let token, let browserTab, let epoch):
            attach(tab, id: id, position: StreamPosition(epoch: epoch ?? "", seq: lastSeq), token: token, browserTab: browserTab)
        case .ack(let seq):
            // With a shared engine the ringing may have been numbered, and be awaited, elsewhere.
            if !acks.acknowledge(user: record.user!, seq: seq) && sharedStream {
                actions.append(.publishAck(user: record.user!, seq: seq))
            }
            reply(tab, .ok(id: id))
        case .ping:
            // The tab's link answers it (§4.2); were it passed on, it would prove the hub alive.
            reply(tab, .ok(id: id))
        case .logout:
            ask(.signOut(user: record.user!), then: .logout(tab, id, user: record.user!))
        case .notify(let params) where record.user == nil:
            // Before login there is no user to number events for: the tab alone hears it.
            reply(tab, .ok(id: id))
            send(params.type == .error ? .error(message: params.title)
                 : params.type == .warning ? .warning(message: params.title) : .info(message: params.title), to: tab)
        case .dial(let params) where params.idempotencyKey != nil:
            dial(command, key: params.idempotencyKey!, tab: tab, id: id, user: record.user!)
        default:
            ask(.execute(user: record.user!, command: command), then: .command(tab, id, user: record.user!, idempotencyKey: nil))
        }
    }

    /// A `dial` with an `idempotencyKey` (§4): a repeat within the window gets the first reply
    /// and places no call; a repeat while the first is under way waits for its reply (refusals
    /// included). A refused dial is not remembered.
    mutating func dial(_ command: AgentCommand, key: String, tab: TabID, id: RequestID, user: String) {
        if let first = dials.value(user: user, key: key, now: time.milliseconds) {
            count("dial_deduplicated")
            reply(tab, replying(first, id: id, user: user))
            return
        }
        let underWay = DialKey(user: user, key: key)
        if dialsUnderWay[underWay] != nil {
            count("dial_deduplicated")
            dialsUnderWay[underWay]!.append((tab, id))
            return
        }
        dialsUnderWay[underWay] = []
        if sharedStream {
            claim(Self.dialClaimKey(user: user, key: key), ttlMilliseconds: settings.dialDedupSeconds * 1_000,
                  then: .dialClaim(tab, id, user: user, key: key, command))
            return
        }
        ask(.execute(user: user, command: command), then: .command(tab, id, user: user, idempotencyKey: key))
    }

    /// The back end's answer to a command: the reply to the tab that asked, and to the repeats of
    /// a keyed `dial` that waited for it.
    /// `settle: false`: the answer is another instance's, already in the shared state.
    mutating func commandAnswered(_ answer: CallControlAnswer, tab: TabID, id: RequestID, user: String, idempotencyKey: String?,
                                  settle: Bool = true) {
        var waiting: [(tab: TabID, id: RequestID)] = []
        if let key = idempotencyKey { waiting = dialsUnderWay.removeValue(forKey: DialKey(user: user, key: key)) ?? [] }
        for (tab, id) in [(tab, id)] + waiting {
            switch answer {
            case .executed(let done):
                reply(tab, replying(done, id: id, user: user))
            case .failed(let error):
                reply(tab, .error(AgentProtocolError(id: id, refusal: error)))
            default:
                reply(tab, .error(AgentProtocolError(id: id, refusal: .unavailable(Self.failure(answer)))))
            }
        }
        if let key = idempotencyKey, case .executed(let done) = answer {
            dials.remember(done, user: user, key: key, now: time.milliseconds)
        }
        if sharedStream, settle, let key = idempotencyKey {
            settleDial(answer, key: Self.dialClaimKey(user: user, key: key))
        }
    }

    /// The reply for a command's result; a `state` snapshot carries the user's `lastSeq` now.
    func replying(_ done: CallControlReply, id: RequestID, user: String) -> AgentReply {
        switch done {
        case .ok:
            return .ok(id: id)
        case .fields(let fields):
            return .result(id: id, fields)
        case .state(let snapshot):
            return .state(id: id, stamped(snapshot, user: user))
        case .callHistory(let calls, let total):
            return .callHistory(id: id, calls: calls, total: total)
        }
    }
}
