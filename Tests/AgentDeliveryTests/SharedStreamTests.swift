import Testing
@testable import AgentDelivery
import Routes

/// Per-user events through a shared engine (docs/cluster.md §6): two engines (two gateway
/// instances) and a scripted stand-in for the shared stream (what the Redis scripts do: number,
/// keep, publish to every instance following the user, read after a position). Each engine's
/// actions are performed here in order, as the hub would.
@Suite struct SharedStreamTests {
    /// The shared stream's stand-in: numbers appends per user in one epoch, keeps them, and
    /// publishes each to the instances following the user (`publish: false`: the message is lost,
    /// as Redis pub/sub loses it while a subscriber is away).
    struct Cluster {
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

    static let waiting: [AgentEvent] = (1...3).map { .waitingCallersChange(waitingCallers: $0) }

    @Test func anEventOfEitherInstanceReachesTheTabsOfBothOnceInOrder() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        #expect(cluster.following == [["alice"], ["alice"]])
        cluster.emit(0, "alice", Self.waiting[0], Self.waiting[1])
        cluster.emit(1, "alice", Self.waiting[2])
        let first = cluster.numbered(0, one), second = cluster.numbered(1, two)
        #expect(first.map(\.seq) == [1, 2, 3])
        #expect(first.map(\.data) == second.map(\.data) && first.map(\.seq) == second.map(\.seq))
        #expect(Set(first.map(\.epoch) + second.map(\.epoch)) == ["e1"])
        // Numbered by the stream, not here: nothing went to a tab before the append answered.
        #expect(cluster.streams["alice"]?.count == 3)
    }

    /// A user's first tab here: the copy starts where the stream ends then, so an entry
    /// published before the subscription took effect is a gap that is read, not a silent loss.
    @Test func aFirstTabsCopyStartsAtTheStreamsEndSoAnEarlyEntryIsNotLost() {
        var cluster = Cluster()
        _ = cluster.logIn(0, 1)
        cluster.emit(0, "alice", Self.waiting[0], Self.waiting[1])
        cluster.holdReads = true
        let two = cluster.logIn(1, 2)
        #expect(cluster.heldReads.map(\.after) == [.start])
        cluster.answerReads()
        #expect(cluster.instances[1].engine.users["alice"]?.window.lastSeq == 2)
        cluster.publish = false
        cluster.emit(0, "alice", Self.waiting[2])  // seq 3, before instance 1's SUBSCRIBE took effect
        cluster.publish = true
        cluster.emit(0, "alice", .waitingCallersChange(waitingCallers: 4))
        #expect(cluster.numbered(1, two).map(\.seq) == [3, 4])
    }

    @Test func aGapIsReadFromTheStreamAndWhatArrivesMeanwhileWaits() {
        var cluster = Cluster()
        _ = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        cluster.emit(0, "alice", Self.waiting[0])
        cluster.publish = false
        cluster.emit(0, "alice", Self.waiting[1])  // lost on the channel
        cluster.publish = true
        cluster.holdReads = true
        cluster.emit(0, "alice", Self.waiting[2])  // seq 3 after 1: a gap
        #expect(cluster.heldReads.map(\.after) == [StreamPosition(epoch: "e1", seq: 1)])
        #expect(cluster.instances[1].engine.users["alice"]?.reading == true)
        cluster.emit(0, "alice", .waitingCallersChange(waitingCallers: 4))  // held while reading
        #expect(cluster.numbered(1, two).map(\.seq) == [1])
        cluster.answerReads()
        #expect(cluster.numbered(1, two).map(\.seq) == [1, 2, 3, 4])
        #expect(cluster.performed[1].counted.contains("stream_gap"))
    }

    @Test func attachOnTheOtherInstanceReplaysFromItsCopyOrFromTheStream() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        cluster.emit(0, "alice", Self.waiting[0])
        let two = cluster.logIn(1, 2)  // instance 1's copy starts after seq 1
        cluster.emit(0, "alice", Self.waiting[1], Self.waiting[2])
        _ = cluster.handle(0, .tabClosed(one))
        // Back on instance 1, having seen seq 1: its copy (2–3) answers at once.
        let back = cluster.instances[1].open(3)
        let attached = attach(&cluster, 1, back, StreamPosition(epoch: "e1", seq: 1))
        #expect(attached.replies.map(\.reply) == [.attached(id: .number("3"), state: .ready, lastSeq: 3, complete: true, epoch: "e1")])
        #expect(attached.sent.filter { $0.tabs == [back] && $0.seq != nil }.map(\.seq) == [2, 3])
        #expect(!attached.contains { if case .readStream = $0 { true } else { false } })
        // Having seen nothing of this epoch's first event: only the stream has it. A live event
        // while the read is under way follows the replay, not before the reply.
        let early = cluster.instances[1].open(4)
        cluster.holdReads = true
        let asked = attach(&cluster, 1, early, StreamPosition(epoch: "e1", seq: 0))
        #expect(asked.contains(.readStream(user: "alice", after: StreamPosition(epoch: "e1", seq: 0), ticket: asked.readTicket!)))
        cluster.emit(0, "alice", .waitingCallersChange(waitingCallers: 4))
        #expect(cluster.numbered(1, early).isEmpty && cluster.numbered(1, two).map(\.seq) == [2, 3, 4])
        let before = cluster.performed[1].count
        cluster.answerReads()
        let replay = Array(cluster.performed[1][before...])
        #expect(replay.replies.map(\.reply) == [.attached(id: .number("4"), state: .ready, lastSeq: 4, complete: true, epoch: "e1")])
        #expect(replay.sent.filter { $0.tabs == [early] && $0.seq != nil }.map(\.seq) == [1, 2, 3, 4])
        cluster.emit(1, "alice", .waitingCallersChange(waitingCallers: 5))
        #expect(cluster.numbered(1, early).map(\.seq) == [1, 2, 3, 4, 5])
    }

    @Test func anotherEpochOrATabAheadOfTheStreamIsIncomplete() {
        for position in [StreamPosition(epoch: "e0", seq: 1), StreamPosition(epoch: "e1", seq: 9), StreamPosition(epoch: "", seq: 1)] {
            var cluster = Cluster()
            _ = cluster.logIn(0, 1)
            cluster.emit(0, "alice", Self.waiting[0], Self.waiting[1])
            let back = cluster.instances[0].open(2)
            let actions = attach(&cluster, 0, back, position)
            #expect(actions.replies.map(\.reply) == [.attached(id: .number("2"), state: .ready, lastSeq: 2, complete: false, epoch: "e1")])
            #expect(actions.counted.contains("attach_incomplete"))
            let ready = cluster.performed[0].sent.last { $0.tabs == [back] && $0.event == "ready" }
            guard case .object(let data)? = ready?.data, case .object(let state)? = data["state"] else {
                Issue.record("no ready after \(position)")
                continue
            }
            #expect(state["lastSeq"] == .integer(2) && state["epoch"] == .string("e1"))
        }
    }

    /// The stream started over (Redis lost it): the copy follows the new epoch, the tabs get a
    /// fresh `ready` with it instead of events numbered from 1 again.
    @Test func aNewEpochGivesTheTabsAFreshState() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        cluster.emit(0, "alice", Self.waiting[0], Self.waiting[1])
        cluster.epoch = "e2"
        cluster.streams = [:]
        cluster.emit(0, "alice", Self.waiting[2])
        #expect(cluster.performed[0].counted.contains("stream_epoch_changed"))
        let last = cluster.performed[0].sent.last { $0.tabs.contains(one) }
        #expect(last?.event == "ready")
        #expect(cluster.instances[0].engine.users["alice"]?.epoch == "e2")
        cluster.emit(0, "alice", .waitingCallersChange(waitingCallers: 4))
        #expect(cluster.numbered(0, one).map { "\($0.epoch!):\($0.seq!)" } == ["e1:1", "e1:2", "e2:2"])
    }

    /// The shared engine down: the event cannot be numbered, so the tabs here get a fresh state at
    /// once; when it is back, a tombstone marks the loss for every instance and the copies are
    /// read for what the channel missed.
    @Test func anEventLostWhileTheEngineIsDownLeavesATombstone() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        cluster.emit(0, "alice", Self.waiting[0])
        cluster.down = true
        cluster.emit(0, "alice", Self.waiting[1])
        #expect(cluster.performed[0].counted.contains("stream_append_failed"))
        #expect(cluster.performed[0].sent.last { $0.tabs.contains(one) }?.event == "ready")
        cluster.down = false
        _ = cluster.handle(0, .sharedStateUp)
        #expect(cluster.streams["alice"]?.map(\.isTombstone) == [false, true])
        // Instance 1 hears the tombstone: its tab gets a fresh state; nobody replays past it.
        #expect(cluster.performed[1].sent.last { $0.tabs.contains(two) }?.event == "ready")
        let back = cluster.instances[1].open(3)
        cluster.holdReads = false
        let actions = attach(&cluster, 1, back, StreamPosition(epoch: "e1", seq: 1))
        #expect(actions.replies.map(\.reply).first == .attached(id: .number("3"), state: .ready, lastSeq: 2, complete: false, epoch: "e1"))
    }

    @Test func theLastTabLeavingStopsFollowingAndForgetsTheCopy() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        cluster.emit(0, "alice", Self.waiting[0])
        _ = cluster.handle(0, .tabClosed(one))
        #expect(cluster.following[0].isEmpty)
        #expect(cluster.instances[0].engine.users["alice"]?.epoch == "")
        // Events of the back end while nobody is here still go to the stream.
        cluster.emit(0, "alice", Self.waiting[1])
        #expect(cluster.streams["alice"]?.count == 2)
    }

    /// A tab moving to an instance where its user has no tab yet: signed in there, and READY at
    /// the back end (one back end for every instance), it is replayed from the shared stream;
    /// not READY, it starts afresh as after a restart.
    @Test func attachOnAnInstanceNewToTheUserReplaysFromTheStreamWhenTheBackEndSaysReady() {
        for state in [AgentState.ready, .identify] {
            var cluster = Cluster()
            let one = cluster.logIn(0, 1)
            cluster.emit(0, "alice", Self.waiting[0], Self.waiting[1], Self.waiting[2])
            _ = cluster.handle(0, .tabClosed(one))
            let back = cluster.instances[1].open(5)
            let asked = attach(&cluster, 1, back, StreamPosition(epoch: "e1", seq: 1))
            guard let (ticket, request) = asked.callControl.first, let ticket else {
                Issue.record("no sign-in in \(asked)")
                continue
            }
            #expect(request == .signIn(user: "alice", identifiers: ["web-5", "10.0.0.1"]))
            let before = cluster.performed[1].count
            _ = cluster.handle(1, .callControlAnswered(ticket, .signedIn(EngineHarness.signIn("alice", state: state))))
            let answered = Array(cluster.performed[1][before...])
            if state == .ready {
                #expect(answered.replies.map(\.reply) == [.attached(id: .number("5"), state: .ready, lastSeq: 3, complete: true, epoch: "e1")])
                #expect(answered.sent.filter { $0.tabs == [back] && $0.seq != nil }.map(\.seq) == [2, 3])
                cluster.emit(0, "alice", .waitingCallersChange(waitingCallers: 4))
                #expect(cluster.numbered(1, back).map(\.seq) == [2, 3, 4])
            } else {
                #expect(answered.replies.map(\.reply.complete) == [false])
                // Only the copy's start is read (the user's first tab here), not a replay.
                #expect(!answered.contains { if case .readStream(_, let after, _) = $0 { after != .start } else { false } })
            }
        }
    }

    /// One `idempotencyKey` from tabs on two instances: one dial at the back end; the second
    /// instance finds the claim under way, asks again each tick, and replies with the first's call.
    @Test func aKeyedDialFromTwoInstancesPlacesOneCall() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        let dial = AgentCommand.dial(DialParams(number: "+420602123456", idempotencyKey: "k-1"))
        _ = cluster.handle(0, .request(one, .number("d1"), dial))
        _ = cluster.handle(1, .request(two, .number("d2"), dial))
        _ = cluster.handle(1, .tick)
        #expect(cluster.dials.count == 1 && cluster.dials[0].instance == 0)
        #expect(cluster.performed[1].replies.isEmpty)
        cluster.answerDials { _ in .executed(.fields(["uniqueid": .string("call-1")])) }
        _ = cluster.handle(1, .tick)
        let expected = AgentReply.result(id: .number("d2"), ["uniqueid": .string("call-1")])
        #expect(cluster.performed[1].replies.map(\.reply) == [expected])
        #expect(cluster.performed[0].replies.last?.reply == .result(id: .number("d1"), ["uniqueid": .string("call-1")]))
        #expect(cluster.performed[1].counted.contains("dial_deduplicated"))
        // A refused dial is not remembered: the key is released and the next may try.
        _ = cluster.handle(0, .request(one, .number("d3"), AgentCommand.dial(DialParams(number: "+420602123456", idempotencyKey: "k-2"))))
        cluster.answerDials { _ in .failed(CallControlError(code: "callInProgress", text: "busy", httpStatus: 409)) }
        #expect(cluster.claims["dial:{u:alice}:k-2"] == nil)
        _ = cluster.handle(1, .request(two, .number("d4"), AgentCommand.dial(DialParams(number: "+420602123456", idempotencyKey: "k-2"))))
        #expect(cluster.dials.count == 1 && cluster.dials[0].instance == 1)
    }

    /// With the shared state down each instance deduplicates alone.
    @Test func aClaimThatCannotBeAskedDialsAlone() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        cluster.down = true
        _ = cluster.handle(0, .request(one, .number("d1"), AgentCommand.dial(DialParams(number: "+420602123456", idempotencyKey: "k"))))
        #expect(cluster.dials.count == 1)
        #expect(cluster.performed[0].logged.map(\.event).contains("shared_claim_failed"))
    }

    /// The login throttle between instances: failures on either count against the user name, so
    /// the attempt past `loginMaxFailures` is refused on an instance that saw only some of them;
    /// a right password forgets them.
    @Test func failedLoginsOnTwoInstancesAddUp() {
        var cluster = Cluster()
        var id = 0
        func login(_ cluster: inout Cluster, _ instance: Int, _ tab: TabID, _ password: String) -> [DeliveryAction] {
            id += 1
            let before = cluster.performed[instance].count
            _ = cluster.handle(instance, .request(tab, .number("l\(id)"), .login(username: "alice", password: password, remember: false,
                                                                                  options: SignInOptions())))
            return Array(cluster.performed[instance][before...])
        }
        let one = cluster.instances[0].open(1), two = cluster.instances[1].open(2)
        for _ in 1...3 { _ = login(&cluster, 0, one, "wrong") }
        for _ in 1...2 { _ = login(&cluster, 1, two, "wrong") }
        #expect(cluster.attempts["alice"] == 5)
        let refused = login(&cluster, 1, two, "right")
        #expect(refused.counted.contains("login_throttled"))
        #expect(!refused.contains { if case .checkPassword = $0 { true } else { false } })
        // Forgotten after a right password (here: once the window is over, as the stand-in has none).
        cluster.attempts["alice"] = 4
        let accepted = login(&cluster, 1, two, "right")
        #expect(accepted.contains { if case .checkPassword = $0 { true } else { false } })
        #expect(cluster.attempts["alice"] == nil)
    }

    /// A ringing event numbered on instance 0 and acknowledged by a tab on instance 1: the ack
    /// reaches instance 0 over the user's channel, so it neither resends nor marks the agent
    /// unreachable; unacknowledged anywhere, it resends.
    @Test func anAckFromATabOnAnotherInstanceEndsTheWait() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        cluster.emit(0, "alice", .callRinging(EngineHarness.call("u1")))
        let seq = UInt64(cluster.numbered(1, two).last!.seq!)
        #expect(cluster.numbered(0, one).last?.seq == Int64(seq))
        let acked = cluster.handle(1, .request(two, .number("a1"), .ack(seq: seq)))
        #expect(acked.contains(.publishAck(user: "alice", seq: seq)))
        cluster.instances[0].advance(milliseconds: 10_000)
        #expect(!cluster.handle(0, .tick).counted.contains("ringing_resent"))
        cluster.emit(0, "alice", .callHangup(EngineHarness.call("u1", state: .hangup)), .callRinging(EngineHarness.call("u2")))
        cluster.instances[0].advance(milliseconds: 10_000)
        #expect(cluster.handle(0, .tick).counted.contains("ringing_resent"))
    }

    /// A ringing event numbered on instance 0 that no tab acknowledges: its resend reaches the
    /// tab on instance 1 as well (from instance 1's copy, same seq), and instance 0's own tab
    /// once, though instance 0 hears its own resend message.
    @Test func aResendReachesTheTabsOnEveryInstanceOnce() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        cluster.emit(0, "alice", .callRinging(EngineHarness.call("u1")))
        let seq = cluster.numbered(0, one).last!.seq!
        #expect(cluster.numbered(1, two).last?.seq == seq)
        let before = (cluster.numbered(0, one).count, cluster.numbered(1, two).count)
        cluster.instances[0].advance(milliseconds: 10_000)
        let tick = cluster.handle(0, .tick)
        #expect(tick.contains(.publishResend(user: "alice", seq: UInt64(seq))))
        #expect(cluster.numbered(0, one).count == before.0 + 1 && cluster.numbered(0, one).last?.seq == seq)
        #expect(cluster.numbered(1, two).count == before.1 + 1 && cluster.numbered(1, two).last?.seq == seq)
        #expect(cluster.performed[1].counted.contains("ringing_resent"))
        // An ack from the tab on instance 1 ends the resends.
        _ = cluster.handle(1, .request(two, .number("a1"), .ack(seq: UInt64(seq))))
        cluster.instances[0].advance(milliseconds: 10_000)
        #expect(!cluster.handle(0, .tick).contains(.publishResend(user: "alice", seq: UInt64(seq))))
    }

    /// The events `tab` of `instance` received, by name.
    private func events(_ cluster: Cluster, _ instance: Int, _ tab: TabID) -> [String] {
        cluster.performed[instance].sent.filter { $0.tabs.contains(tab) }.map(\.event)
    }

    /// `autologout` between instances: a login from another browser on instance 1 logs out
    /// the tab on instance 0, which lets go of the user; not the new tab itself (instance 1
    /// hears its own announcement), and not a tab of the same address.
    @Test func aLoginFromAnotherBrowserOnAnotherInstanceLogsTheTabsHereOut() {
        var cluster = Cluster()
        let office = cluster.logIn(0, 1, address: "10.0.0.1")
        let sameBrowser = cluster.logIn(1, 2, address: "10.0.0.1")
        #expect(!events(cluster, 0, office).contains("loginError"))
        let home = cluster.logIn(1, 3, address: "10.0.0.9")
        #expect(events(cluster, 0, office).suffix(2) == ["loginError", "credentials"])
        #expect(events(cluster, 1, sameBrowser).suffix(2) == ["loginError", "credentials"])
        #expect(!events(cluster, 1, home).contains("loginError"))
        #expect(cluster.following[0].isEmpty && cluster.following[1] == ["alice"])
        #expect(cluster.performed[0].counted.contains("autologout"))
        // A login that asks to keep the other browsers leaves them, everywhere.
        let kept = cluster.logIn(0, 4, address: "10.0.0.5", options: SignInOptions(autologout: false))
        #expect(!events(cluster, 1, home).contains("loginError"))
        #expect(!events(cluster, 0, kept).contains("loginError"))
    }

    /// The same browser tab id on another instance (a tab that reconnected through the load
    /// balancer to another instance): the old connection here is closed with 4009.
    @Test func aTabThatReconnectsToAnotherInstanceReplacesItsOldConnection() {
        var cluster = Cluster()
        let before = cluster.logIn(0, 1, options: SignInOptions(tab: "browser-tab-A"))
        let other = cluster.logIn(0, 2, options: SignInOptions(tab: "browser-tab-B"))
        let after = cluster.logIn(1, 3, options: SignInOptions(tab: "browser-tab-A"))
        #expect(cluster.performed[0].contains(.close(before, code: .tabReplaced, reason: "this tab connected again")))
        #expect(!cluster.performed[0].contains(.close(other, code: .tabReplaced, reason: "this tab connected again")))
        #expect(!cluster.performed[1].contains(.close(after, code: .tabReplaced, reason: "this tab connected again")))
        for _ in 0..<2 {
            for index in 0...1 {
                cluster.instances[index].advance(milliseconds: 250)
                _ = cluster.handle(index, .tick)
            }
        }
        // The tab left on instance 0 is the oldest of the user's two tabs now (the same join
        // time as instance 1's: the lower instance name wins): primary, of 2.
        #expect(cluster.performed[0].sent.last { $0.tabs == [other] && $0.event == "primary" }?.data
                == .object(["primary": .bool(true), "tabs": .integer(2)]))
        #expect(cluster.performed[1].sent.last { $0.tabs == [after] && $0.event == "primary" }?.data
                == .object(["primary": .bool(false), "tabs": .integer(2)]))
    }

    /// One back end heard by both instances (the Switchboard service): each appends every event,
    /// the stream keeps it once (by the back end's number), and each tab gets it once.
    @Test func anEventBothInstancesHearIsAppendedOnce() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        for n in UInt64(1)...3 {
            let event = AddressedEvent(user: "alice", event: .waitingCallersChange(waitingCallers: Int(n)), number: EventNumber(epoch: "b1", n: n))
            _ = cluster.handle(0, .callControlEvents([event]))
            _ = cluster.handle(1, .callControlEvents([event]))
        }
        #expect(cluster.streams["alice"]?.count == 3)
        #expect(cluster.numbered(0, one).map(\.seq) == [1, 2, 3] && cluster.numbered(1, two).map(\.seq) == [1, 2, 3])
        #expect(cluster.performed[1].counted.filter { $0 == "stream_append_repeat" }.count == 3)
        // The back end restarted: its numbers start again in another epoch, and are new.
        let restarted = AddressedEvent(user: "alice", event: .waitingCallersChange(waitingCallers: 9), number: EventNumber(epoch: "b2", n: 1))
        _ = cluster.handle(1, .callControlEvents([restarted]))
        #expect(cluster.streams["alice"]?.count == 4)
    }

    /// The Switchboard service's events reach both instances: only the instance whose append wrote
    /// an event relays it as an Action URL; with the shared engine down, each does (twice rather
    /// than never).
    @Test func anEventBothInstancesHearFiresItsActionURLOnce() {
        var cluster = Cluster()
        cluster.instances = [EngineHarness(actionURLs: true, sharedStream: true), EngineHarness(actionURLs: true, sharedStream: true)]
        _ = cluster.logIn(0, 1)
        _ = cluster.logIn(1, 2)
        let call = [AgentEvent.callRinging(EngineHarness.call("c1")), .callHangup(EngineHarness.call("c1", state: .hangup))]
        func hear(_ n: UInt64, _ event: AgentEvent) {
            let addressed = AddressedEvent(user: "alice", event: event, number: EventNumber(epoch: "b1", n: n))
            _ = cluster.handle(1, .callControlEvents([addressed]))
            _ = cluster.handle(0, .callControlEvents([addressed]))
        }
        for (n, event) in call.enumerated() { hear(UInt64(n + 1), event) }
        #expect(cluster.performed[0].published.isEmpty)
        #expect(cluster.performed[1].published.map(\.action) == [.inbound, .disconnected])
        cluster.down = true
        for (n, event) in call.enumerated() { hear(UInt64(n + 3), event) }
        #expect(cluster.performed[0].published.map(\.action) == [.inbound, .disconnected])
        #expect(cluster.performed[1].published.count == 4)
    }

    /// alice calls a customer through instance 0; when the customer calls back, bob's ringing on
    /// instance 1 names her: the list is shared, written by the instance that appended the call's
    /// event. Events after the ringing wait for its lookup, so they keep their order.
    @Test func lastCallersAreSharedAndARingingWaitsForThemInOrder() {
        var cluster = Cluster()
        _ = cluster.logIn(0, 1)
        let bob = cluster.logIn(1, 2, user: "bob")
        cluster.emit(0, "alice", .callRinging(EngineHarness.call("out-1", .outgoing)))
        #expect(cluster.lastCallers["+420602123456"]?.map(\.agent) == ["alice"])
        cluster.holdLookups = true
        cluster.emit(1, "bob", .callRinging(EngineHarness.call("in-1")), .callHangup(EngineHarness.call("in-1", state: .hangup)))
        #expect(cluster.numbered(1, bob).isEmpty && cluster.streams["bob"] == nil)
        cluster.answerLookups()
        let sent = cluster.numbered(1, bob)
        #expect(sent.map(\.event) == ["callRinging", "callHangup"] && sent.map(\.seq) == [1, 2])
        #expect(CallWatchTests.lastCallers(sent.first)
            == LastCallersReply.jsonValue([LastCaller(agent: "alice", displayName: "Alena Nováková", at: 1_700_000_000)]))
        // The shared list unreachable: the ringing carries this instance's own (bob's instance never
        // heard alice's call), with a log line and a count.
        cluster.down = true
        cluster.emit(1, "bob", .callRinging(EngineHarness.call("in-2")))
        #expect(cluster.performed[1].counted.contains("last_callers_unshared"))
        #expect(cluster.performed[1].logged.map(\.event).contains("last_callers_unshared"))
    }

    /// An `attach` of `tab` on `instance` with a verified token for alice.
    func attach(_ cluster: inout Cluster, _ instance: Int, _ tab: TabID, _ position: StreamPosition) -> [DeliveryAction] {
        let before = cluster.performed[instance].count
        let asked = cluster.handle(instance, .request(tab, .number("\(tab.rawValue)"),
                                                      .attach(lastSeq: position.seq, token: "v1.token", tab: nil, epoch: position.epoch)))
        guard let ticket = asked.verifyTicket else {
            Issue.record("no token check in \(asked)")
            return asked
        }
        _ = cluster.handle(instance, .credentialChecked(ticket, .success(VerifiedCredential(
            identity: Identity(user: "alice", provider: "password", address: "10.0.0.1", expires: 1_700_003_600)))))
        return Array(cluster.performed[instance][before...])
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
