import Testing
@testable import AgentDelivery

/// The lease on a shared Action URL queue (docs/click-to-call.md §5.1): what one instance does
/// at each input, and, against a model of the Redis scripts, that a queue whose owner dies is
/// taken over and sent in order, and that two live instances send each request once.
@Suite struct QueueLeaseTests {
    private static let settings = QueueLease.Settings(leaseMilliseconds: 5_000, renewMilliseconds: 1_000, scanMilliseconds: 1_000)

    @Test func aPushTakesTheLeaseSendsInOrderAndGivesItBackWhenEmpty() {
        var lease = QueueLease(settings: Self.settings)
        #expect(lease.pushed(now: 0) == [.take])
        #expect(lease.pushed(now: 1) == [])  // a take is under way
        #expect(lease.took(.taken(first: "/a", previousOwner: nil), now: 2) == [.taken(previousOwner: nil), .send("/a")])
        #expect(lease.isOwner)
        #expect(lease.pushed(now: 3) == [])  // the owner sends it in its turn
        #expect(lease.sent("/b", now: 4) == [])  // not the one sent
        #expect(lease.sent("/a", now: 5) == [.finish("/a")])
        #expect(lease.finished(.next("/b"), now: 6) == [.send("/b")])
        #expect(lease.sent("/b", now: 7) == [.finish("/b")])
        #expect(lease.finished(.released, now: 8) == [.released])
        #expect(!lease.isOwner)
    }

    @Test func anInstanceThatDoesNotOwnTheQueueTriesToTakeItAtEachScan() {
        var lease = QueueLease(settings: Self.settings)
        #expect(lease.tick(now: 0) == [.take])
        #expect(lease.tick(now: 500) == [])
        #expect(lease.took(.heldElsewhere, now: 600) == [])
        #expect(lease.tick(now: 999) == [])
        #expect(lease.tick(now: 1_000) == [.take])
        #expect(lease.took(.empty, now: 1_001) == [])
        #expect(lease.tick(now: 2_000) == [.take])
        #expect(lease.took(.taken(first: "/x", previousOwner: "gw1:42:ab"), now: 2_001)
                == [.taken(previousOwner: "gw1:42:ab"), .send("/x")])
    }

    @Test func theOwnerRenewsOnScheduleAndCountsTheLeaseFromWhenItAsked() {
        var lease = QueueLease(settings: Self.settings)
        _ = lease.pushed(now: 0)
        _ = lease.took(.taken(first: "/a", previousOwner: nil), now: 400)
        #expect(lease.tick(now: 999) == [])
        #expect(lease.tick(now: 1_000) == [.renew])
        #expect(lease.tick(now: 1_050) == [])  // one renewal at a time
        #expect(lease.renewed(true, now: 1_300) == [])
        #expect(lease.tick(now: 1_999) == [])
        #expect(lease.tick(now: 2_000) == [.renew])
        // Unanswered renewals: held until 5 s after the last confirmed one was sent (1,000), not answered.
        #expect(lease.renewed(nil, now: 2_010) == [])
        #expect(lease.tick(now: 2_200) == [])
        #expect(lease.tick(now: 2_260) == [.renew])  // retried a quarter of the renewal later
        #expect(lease.renewed(nil, now: 2_270) == [])
        #expect(lease.tick(now: 5_999) == [.renew])
        #expect(lease.tick(now: 6_000) == [.lost(.lapsed)])
        #expect(!lease.isOwner)
        #expect(lease.renewed(true, now: 6_001) == [])  // too late: nothing changes
        #expect(!lease.isOwner)
        #expect(lease.sent("/a", now: 6_002) == [])
    }

    @Test func theTakeAnsweredLateIsCountedFromWhenItWasSent() {
        var lease = QueueLease(settings: Self.settings)
        _ = lease.pushed(now: 0)
        _ = lease.took(.taken(first: "/a", previousOwner: nil), now: 1_500)
        #expect(lease.tick(now: 1_500) == [.renew])
        #expect(lease.tick(now: 5_000) == [.lost(.lapsed)])
    }

    @Test func anotherHolderEndsTheLease() {
        var lease = QueueLease(settings: Self.settings)
        _ = lease.pushed(now: 0)
        _ = lease.took(.taken(first: "/a", previousOwner: nil), now: 1)
        _ = lease.tick(now: 1_000)
        #expect(lease.renewed(false, now: 1_001) == [.lost(.heldElsewhere)])
        #expect(lease.tick(now: 1_002) == [.take])  // a scan is due again
        #expect(lease.took(.taken(first: "/a", previousOwner: nil), now: 1_003) == [.taken(previousOwner: nil), .send("/a")])
        #expect(lease.sent("/a", now: 1_004) == [.finish("/a")])
        #expect(lease.finished(.notOwner, now: 1_005) == [.lost(.heldElsewhere)])
    }

    @Test func aRemovalThatFailedIsTriedAgainWhileTheLeaseHolds() {
        var lease = QueueLease(settings: Self.settings)
        _ = lease.pushed(now: 0)
        _ = lease.took(.taken(first: "/a", previousOwner: nil), now: 1)
        #expect(lease.sent("/a", now: 100) == [.finish("/a")])
        #expect(lease.finished(.failed, now: 101) == [])
        #expect(lease.tick(now: 300) == [])
        #expect(lease.tick(now: 351) == [.finish("/a")])
        #expect(lease.finished(.failed, now: 352) == [])
        #expect(lease.tick(now: 1_000) == [.renew, .finish("/a")])
        #expect(lease.renewed(nil, now: 1_001) == [])
        #expect(lease.finished(.failed, now: 1_002) == [])
        #expect(lease.tick(now: 5_000) == [.lost(.lapsed)])
    }

    // MARK: against a model of the scripts

    /// The Redis side of `ActionURLSharedQueue`'s scripts, in memory, with the lease's expiry.
    private struct Store {
        var queue: [String] = []
        var holder: String?
        var expires: UInt64 = 0
        var lastOwner: String?
        var sent: [(String, String)] = []

        mutating func expire(now: UInt64) { if holder != nil && now >= expires { holder = nil } }

        mutating func take(_ me: String, now: UInt64) -> QueueLease.Take {
            expire(now: now)
            guard let first = queue.first else { return .empty }
            if let holder, holder != me { return .heldElsewhere }
            holder = me
            expires = now + QueueLeaseTests.settings.leaseMilliseconds
            defer { lastOwner = me }
            return .taken(first: first, previousOwner: lastOwner == me ? nil : lastOwner)
        }

        mutating func renew(_ me: String, now: UInt64) -> Bool {
            expire(now: now)
            guard holder == me else { return false }
            expires = now + QueueLeaseTests.settings.leaseMilliseconds
            return true
        }

        mutating func finish(_ me: String, _ element: String, now: UInt64) -> QueueLease.Finish {
            expire(now: now)
            guard holder == me else { return .notOwner }
            if queue.first == element { queue.removeFirst() }
            guard let first = queue.first else {
                holder = nil
                lastOwner = nil
                return .released
            }
            expires = now + QueueLeaseTests.settings.leaseMilliseconds
            return .next(first)
        }
    }

    /// One instance: its lease, and the request it is sending (delivered after `sendMilliseconds`).
    private struct Instance {
        let name: String
        var lease = QueueLease(settings: QueueLeaseTests.settings)
        var sending: (element: String, done: UInt64)?
        var alive = true
        var takenOver: [String] = []

        init(_ name: String) { self.name = name }

        /// Performs actions at once (Redis answers in no time); sends take `sendMilliseconds`.
        mutating func perform(_ actions: [QueueLease.Action], store: inout Store, now: UInt64, sendMilliseconds: UInt64) {
            var work = actions
            while !work.isEmpty {
                switch work.removeFirst() {
                case .take: work += lease.took(store.take(name, now: now), now: now)
                case .renew: work += lease.renewed(store.renew(name, now: now), now: now)
                case .finish(let element): work += lease.finished(store.finish(name, element, now: now), now: now)
                case .send(let element): sending = (element, now + sendMilliseconds)
                case .taken(let previous?): takenOver.append(previous)
                case .lost: sending = nil
                case .taken(nil), .released: break
                }
            }
        }

        mutating func step(store: inout Store, now: UInt64, sendMilliseconds: UInt64) {
            guard alive else { return }
            if let (element, done) = sending, now >= done {
                sending = nil
                store.sent.append((name, element))
                perform(lease.sent(element, now: now), store: &store, now: now, sendMilliseconds: sendMilliseconds)
            }
            perform(lease.tick(now: now), store: &store, now: now, sendMilliseconds: sendMilliseconds)
        }
    }

    @Test func aQueueWhoseOwnerDiesIsTakenOverAndEveryRequestSentInOrder() {
        var store = Store()
        var a = Instance("a"), b = Instance("b")
        // A CRM that takes 400 ms per request; a pushes ten requests, b none.
        for index in 0..<10 {
            store.queue.append("/\(index)")
            a.perform(a.lease.pushed(now: 0), store: &store, now: 0, sendMilliseconds: 400)
        }
        var killedAt: UInt64 = 0
        var now: UInt64 = 0
        while now < 30_000 && !store.queue.isEmpty {
            now += 50
            if a.alive && store.sent.count == 3 && a.sending != nil {
                a.alive = false  // kill -9 while sending the fourth
                killedAt = now
            }
            a.step(store: &store, now: now, sendMilliseconds: 400)
            b.step(store: &store, now: now, sendMilliseconds: 400)
        }
        #expect(store.queue.isEmpty)
        #expect(store.sent.map(\.1) == (0..<10).map { "/\($0)" })  // the fourth was never answered to a
        #expect(store.sent.prefix(3).allSatisfy { $0.0 == "a" } && store.sent.dropFirst(3).allSatisfy { $0.0 == "b" })
        #expect(b.takenOver == ["a"])
        // Taken within the lease and a scan of the death; then seven sends of 400 ms.
        let bound = killedAt + Self.settings.leaseMilliseconds + Self.settings.scanMilliseconds + 50 + 7 * 400
        #expect(now <= bound)
    }

    @Test func twoLiveInstancesSendEachRequestOnce() {
        var store = Store()
        var a = Instance("a"), b = Instance("b")
        var pushed: [String] = []
        var now: UInt64 = 0
        while now < 20_000 {
            now += 50
            if now % 350 == 0 && pushed.count < 40 {  // both push, in turn
                let element = "/\(pushed.count)"
                pushed.append(element)
                store.queue.append(element)
                if pushed.count % 2 == 0 {
                    a.perform(a.lease.pushed(now: now), store: &store, now: now, sendMilliseconds: 120)
                } else {
                    b.perform(b.lease.pushed(now: now), store: &store, now: now, sendMilliseconds: 120)
                }
            }
            a.step(store: &store, now: now, sendMilliseconds: 120)
            b.step(store: &store, now: now, sendMilliseconds: 120)
        }
        #expect(pushed.count == 40)
        #expect(store.sent.map(\.1) == pushed)
        #expect(Set(store.sent.map(\.0)) == ["a", "b"])  // the lease moves between them as the queue empties
        #expect(a.takenOver.isEmpty && b.takenOver.isEmpty)
    }
}
