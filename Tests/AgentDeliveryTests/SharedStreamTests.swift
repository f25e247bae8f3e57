import Testing
@testable import AgentDelivery
import LastCallersWidget
import AgentProtocol
import CallControlMessages
import AuthSchemes

/// Per-user events through a shared engine (docs/cluster.md §6): two engines (two gateway
/// instances) and a scripted stand-in for the shared stream (`SharedCluster`: what the Redis
/// scripts do: number, keep, publish to every instance following the user, read after a
/// position): order, gaps, replay, epochs, tombstones, and events both instances hear.
@Suite struct SharedStreamTests {
    static let waiting: [AgentEvent] = (1...3).map { .waitingCallersChange(waitingCallers: $0) }

    @Test func anEventOfEitherInstanceReachesTheTabsOfBothOnceInOrder() {
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
            var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
            var cluster = SharedCluster()
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

    /// One back end heard by both instances (the Switchboard service): each appends every event,
    /// the stream keeps it once (by the back end's number), and each tab gets it once.
    @Test func anEventBothInstancesHearIsAppendedOnce() {
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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

    /// An `attach` of `tab` on `instance` with a verified token for alice.
    func attach(_ cluster: inout SharedCluster, _ instance: Int, _ tab: TabID, _ position: StreamPosition) -> [DeliveryAction] {
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
