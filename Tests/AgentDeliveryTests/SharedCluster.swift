import Testing
@testable import AgentDelivery
import AgentProtocol
import CallControlMessages
import LastCallersWidget

/// Two delivery engines (two gateway instances) and a scripted stand-in for the shared state
/// between them, for `SharedStreamTests` and `SharedStateTests` (docs/cluster.md §6). Each
/// engine's actions are performed here in order, as the hub would.
///
/// The shared stream's stand-in: numbers appends per user in one epoch, keeps them, and
/// publishes each to the instances following the user (`publish: false`: the message is lost,
/// as Redis pub/sub loses it while a subscriber is away).
struct SharedCluster {
    var instances: [EngineHarness] = [EngineHarness(sharedStream: true, instance: "gw0"),
                                      EngineHarness(sharedStream: true, instance: "gw1")]
    var epoch = "e1"
    var streams: [String: [StreamEntry]] = [:]
    var following: [Set<String>] = [[], []]
    var publish = true
    /// Instances whose messages reach nobody (a process killed with SIGKILL).
    var silent: Set<Int> = []
    var down = false
    /// Every action each instance performed, in order.
    var performed: [[DeliveryAction]] = [[], []]
    /// Reads not answered yet (`answerReads`), when `holdReads` is set.
    var holdReads = false
    var heldReads: [(instance: Int, user: String, after: StreamPosition, ticket: Ticket)] = []
    /// The shared claims (`SET NX GET`), and the dials the back ends were asked for, held
    /// until `answerDials`.
    var claims: [String: [UInt8]] = [:]
    var dials: [(instance: Int, ticket: Ticket)] = []
    /// The back end's number of the last event appended per user.
    var lastNumbers: [String: EventNumber] = [:]
    /// The shared login throttle's counts, by user name and by address.
    var attempts: [String: Int] = [:]
    /// The shared lists of last callers, by number, and lookups held until `answerLookups`.
    var lastCallers: [String: [LastCaller]] = [:]
    var holdLookups = false
    var heldLookups: [(instance: Int, number: String, ticket: Ticket)] = []

    mutating func handle(_ instance: Int, _ input: DeliveryInput) -> [DeliveryAction] {
        let actions = instances[instance].handle(input)
        perform(instance, actions)
        return actions
    }

    mutating func perform(_ instance: Int, _ actions: [DeliveryAction]) {
        performed[instance] += actions
        for action in actions {
            switch action {
            case .append(let user, let event, let ticket, let number):
                guard !down else {
                    if let ticket { _ = handle(instance, .streamAppended(ticket, .failure(SharedStateFailure("redis down")))) }
                    continue
                }
                if let number {
                    guard number.follows(lastNumbers[user]) else {
                        if let ticket { _ = handle(instance, .streamAppended(ticket, .success(nil))) }
                        continue
                    }
                    lastNumbers[user] = number
                }
                let seq = UInt64((streams[user]?.count ?? 0) + 1)
                let entry = StreamEntry(position: StreamPosition(epoch: epoch, seq: seq), bytes: event?.bytes(seq: seq, epoch: epoch) ?? [])
                streams[user, default: []].append(entry)
                if let ticket { _ = handle(instance, .streamAppended(ticket, .success(entry))) }
                if publish {
                    for other in following.indices where following[other].contains(user) {
                        _ = handle(other, .streamEntries(user: user, [entry]))
                    }
                }
            case .readStream(let user, let after, let ticket):
                if holdReads {
                    heldReads.append((instance, user, after, ticket))
                } else {
                    _ = handle(instance, .streamRead(ticket, read(user, after: after)))
                }
            case .claim(let key, _, let ticket):
                let held = claims[key]
                if held == nil { claims[key] = [UInt8(ascii: "?")] }
                _ = handle(instance, .claimed(ticket, down ? .failure(SharedStateFailure("redis down")) : .success(held)))
            case .settle(let key, let value, _): claims[key] = value
            case .release(let key): claims[key] = nil
            case .callControl(.execute(_, .dial), let ticket?): dials.append((instance, ticket))
            case .countAttempt(let user, let address, let ticket):
                let settings = instances[instance].engine.settings
                let block: LoginLimiter.Block? = attempts[user, default: 0] >= settings.loginMaxFailures ? .user
                    : attempts[address, default: 0] >= settings.loginAddressMaxFailures ? .address : nil
                if block == nil {
                    attempts[user, default: 0] += 1
                    attempts[address, default: 0] += 1
                }
                _ = handle(instance, .attemptCounted(ticket, down ? .failure(SharedStateFailure("redis down")) : .success(block)))
            case .publishAck(let user, let seq):
                for other in following.indices where following[other].contains(user) {
                    _ = handle(other, .streamAcked(user: user, seq: seq))
                }
            case .publishJoin(let user, let joined):
                for other in following.indices where following[other].contains(user) {
                    _ = handle(other, .tabJoinedElsewhere(user: user, joined))
                }
            case .publishPresence(let user, let presence):
                guard publish, !silent.contains(instance) else { continue }
                for other in following.indices where following[other].contains(user) {
                    _ = handle(other, .tabPresence(user: user, presence))
                }
            case .publishHeartbeat:
                guard publish, !silent.contains(instance) else { continue }
                for other in instances.indices { _ = handle(other, .instanceHeard(instances[instance].engine.instance)) }
            case .publishResend(let user, let seq):
                // As Redis pub/sub does, the publisher hears its own message too.
                for other in following.indices where following[other].contains(user) {
                    _ = handle(other, .streamResend(user: user, seq: seq))
                }
            case .forgetAttempt(let user, let address):
                attempts[user] = nil
                attempts[address, default: 1] -= 1
            case .checkPassword(let ticket, _, let password) where password == "right" || password == "wrong":
                _ = handle(instance, .passwordChecked(ticket, password == "right" ? .right(enabled: true) : .wrong))
            case .follow(let user): following[instance].insert(user)
            case .unfollow(let user): following[instance].remove(user)
            case .recordLastCaller(let number, let caller):
                guard !down else { continue }
                lastCallers[number, default: []].removeAll { $0.agent == caller.agent }
                lastCallers[number, default: []].insert(caller, at: 0)
            case .lookUpLastCallers(let number, let ticket):
                if holdLookups {
                    heldLookups.append((instance, number, ticket))
                } else {
                    _ = handle(instance, .lastCallersFound(ticket, down ? .failure(SharedStateFailure("redis down")) : .success(lastCallers[number] ?? [])))
                }
            case .callControl(.party, let ticket?):
                _ = handle(instance, .callControlAnswered(ticket, .party(CallParty(party: "2001", alias: "Alena"))))
            case .callControl(.snapshot(let user), let ticket?):
                _ = handle(instance, .callControlAnswered(ticket, .snapshot(EngineHarness.snapshot(user))))
            default: break
            }
        }
    }

    mutating func answerDials(_ answer: (Int) -> CallControlAnswer) {
        let asked = dials
        dials = []
        for (index, dial) in asked.enumerated() { _ = handle(dial.instance, .callControlAnswered(dial.ticket, answer(index))) }
    }

    mutating func answerLookups() {
        let lookups = heldLookups
        heldLookups = []
        holdLookups = false
        for lookup in lookups { _ = handle(lookup.instance, .lastCallersFound(lookup.ticket, .success(lastCallers[lookup.number] ?? []))) }
    }

    mutating func answerReads() {
        let reads = heldReads
        heldReads = []
        holdReads = false
        for read in reads { _ = handle(read.instance, .streamRead(read.ticket, self.read(read.user, after: read.after))) }
    }

    func read(_ user: String, after position: StreamPosition) -> Result<StreamRead, SharedStateFailure> {
        guard !down else { return .failure(SharedStateFailure("redis down")) }
        let entries = streams[user] ?? []
        let top = StreamPosition(epoch: entries.isEmpty ? "" : epoch, seq: UInt64(entries.count))
        guard position.epoch == top.epoch, position.seq <= top.seq else { return .success(.incomplete(top: top)) }
        let after = Array(entries[Int(position.seq)...])
        guard !after.contains(where: \.isTombstone) else { return .success(.incomplete(top: top)) }
        return .success(.complete(after, top: top))
    }

    /// alice READY with tab `number` on `instance` (the attempt counted in the shared state, the
    /// password right, the back end signs her in READY).
    mutating func logIn(_ instance: Int, _ number: UInt64, user: String = "alice", address: String = "10.0.0.1",
                        options: SignInOptions = SignInOptions()) -> TabID {
        let tab = instances[instance].open(number, address: address)
        let before = performed[instance].count
        _ = handle(instance, .request(tab, instances[instance].nextID(),
                                      .login(username: user, password: "secret", remember: false, options: options)))
        guard let check = Array(performed[instance][before...]).passwordTicket else {
            Issue.record("no password check")
            return tab
        }
        let checked = handle(instance, .passwordChecked(check, .right(enabled: true)))
        guard let ticket = checked.callControl.first?.ticket else {
            Issue.record("no sign-in in \(checked)")
            return tab
        }
        _ = handle(instance, .callControlAnswered(ticket, .signedIn(EngineHarness.signIn(user, state: .ready))))
        return tab
    }

    mutating func emit(_ instance: Int, _ user: String, _ events: AgentEvent...) {
        _ = handle(instance, .callControlEvents(events.map { AddressedEvent(user: user, event: $0) }))
    }

    /// The numbered events `tab` of `instance` received, as (seq, epoch, bytes).
    func numbered(_ instance: Int, _ tab: TabID) -> [Sent] {
        performed[instance].sent.filter { $0.tabs.contains(tab) && $0.seq != nil }
    }
}

extension AgentReply {
    /// An `attached` reply's `complete`.
    var complete: Bool? {
        if case .attached(_, _, _, let complete, _) = self { complete } else { nil }
    }
}

extension [DeliveryAction] {
    var readTicket: Ticket? {
        lazy.compactMap { if case .readStream(_, _, let ticket) = $0 { ticket } else { nil } }.first
    }
}
