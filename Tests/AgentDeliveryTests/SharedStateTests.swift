import Testing
@testable import AgentDelivery
import AgentProtocol
import CallControlMessages
import LastCallersWidget

/// The rest of what two instances share besides the event stream (docs/cluster.md §6): keyed
/// dials (claims), the login throttle, ringing acks and resends, presence (a login elsewhere, a
/// tab that moves), and last callers; with the shared state's stand-in of `SharedCluster`.
@Suite struct SharedStateTests {
    /// One `idempotencyKey` from tabs on two instances: one dial at the back end; the second
    /// instance finds the claim under way, asks again each tick, and replies with the first's call.
    @Test func aKeyedDialFromTwoInstancesPlacesOneCall() {
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
        var id = 0
        func login(_ cluster: inout SharedCluster, _ instance: Int, _ tab: TabID, _ password: String) -> [DeliveryAction] {
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
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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
    private func events(_ cluster: SharedCluster, _ instance: Int, _ tab: TabID) -> [String] {
        cluster.performed[instance].sent.filter { $0.tabs.contains(tab) }.map(\.event)
    }

    /// `autologout` between instances: a login from another browser on instance 1 logs out
    /// the tab on instance 0, which lets go of the user; not the new tab itself (instance 1
    /// hears its own announcement), and not a tab of the same address.
    @Test func aLoginFromAnotherBrowserOnAnotherInstanceLogsTheTabsHereOut() {
        var cluster = SharedCluster()
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
        var cluster = SharedCluster()
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

    /// alice calls a customer through instance 0; when the customer calls back, bob's ringing on
    /// instance 1 names her: the list is shared, written by the instance that appended the call's
    /// event. Events after the ringing wait for its lookup, so they keep their order.
    @Test func lastCallersAreSharedAndARingingWaitsForThemInOrder() {
        var cluster = SharedCluster()
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
}
