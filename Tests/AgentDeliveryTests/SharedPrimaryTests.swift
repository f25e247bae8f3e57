import Testing
@testable import AgentDelivery
import AgentProtocol

/// The primary tab between instances (docs/cluster.md §6.7): two engines and the scripted shared
/// engine of `SharedCluster`, whose channel carries each instance's tabs of a user
/// (`TabPresence`) and its heartbeats.
@Suite struct SharedPrimaryTests {
    typealias Cluster = SharedCluster

    /// The last `primary` event `tab` of `instance` received, as (primary, tabs).
    static func primary(_ cluster: Cluster, _ instance: Int, _ tab: TabID) -> (Bool, Int64)? {
        guard case .object(let data)? = cluster.performed[instance].sent.last(where: { $0.tabs.contains(tab) && $0.event == "primary" })?.data,
              case .bool(let primary)? = data["primary"], let tabs = data["tabs"]?.int64Value else { return nil }
        return (primary, tabs)
    }

    static func expectPrimary(_ cluster: Cluster, _ instance: Int, _ tab: TabID, _ primary: Bool, of tabs: Int64,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let last = Self.primary(cluster, instance, tab)
        #expect(last?.0 == primary && last?.1 == tabs, "\(String(describing: last))", sourceLocation: sourceLocation)
    }

    /// Both instances advance by `milliseconds` in steps of a tick (250 ms); instances in
    /// `cluster.silent` do not tick (a killed process).
    static func run(_ cluster: inout Cluster, milliseconds: UInt64) {
        for _ in 0..<(milliseconds / 250) {
            for index in cluster.instances.indices where !cluster.silent.contains(index) {
                cluster.instances[index].advance(milliseconds: 250)
                _ = cluster.handle(index, .tick)
            }
        }
    }

    /// A tab on each instance: the earlier join is primary, on both, and both count 2.
    @Test func twoTabsOnTwoInstancesAgreeOnOnePrimaryAndCountBoth() {
        var cluster = Cluster()
        let one = cluster.logIn(1, 1)
        cluster.instances[0].advance(milliseconds: 1_000)  // a second later, on instance 0
        let two = cluster.logIn(0, 2)
        Self.run(&cluster, milliseconds: 500)
        Self.expectPrimary(cluster, 1, one, true, of: 2)
        Self.expectPrimary(cluster, 0, two, false, of: 2)
        let three = cluster.logIn(0, 3)
        Self.expectPrimary(cluster, 1, one, true, of: 3)
        Self.expectPrimary(cluster, 0, two, false, of: 3)
        Self.expectPrimary(cluster, 0, three, false, of: 3)
        // A change elsewhere that changes nothing for a tab sends it nothing.
        let before = cluster.performed[1].sent.filter { $0.event == "primary" }.count
        _ = cluster.handle(1, .tabPresence(user: "alice", cluster.instances[0].engine.presence(of: "alice", ask: false)))
        #expect(cluster.performed[1].sent.filter { $0.event == "primary" }.count == before)
    }

    /// The primary tab closes: the oldest tab left anywhere takes over, on its instance.
    @Test func whenThePrimaryTabClosesTheOldestTabElsewhereTakesOver() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        cluster.instances[1].advance(milliseconds: 10)
        let two = cluster.logIn(1, 2)
        Self.run(&cluster, milliseconds: 500)
        Self.expectPrimary(cluster, 0, one, true, of: 2)
        Self.expectPrimary(cluster, 1, two, false, of: 2)
        _ = cluster.handle(0, .tabClosed(one))
        Self.expectPrimary(cluster, 1, two, true, of: 1)
        #expect(cluster.following[0].isEmpty)
    }

    /// A first tab of the user on an instance is told nothing until the others had time to
    /// answer, so that two tabs are never both told they are primary.
    @Test func aFirstTabHereWaitsForTheOthersAnswersBeforeItIsTold() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        Self.run(&cluster, milliseconds: 500)
        Self.expectPrimary(cluster, 0, one, true, of: 1)
        let two = cluster.logIn(1, 2)
        #expect(Self.primary(cluster, 1, two) == nil)
        Self.expectPrimary(cluster, 0, one, true, of: 2)  // instance 0 knew the user: told at once
        Self.run(&cluster, milliseconds: 250)
        #expect(Self.primary(cluster, 1, two) == nil)
        Self.run(&cluster, milliseconds: 250)
        Self.expectPrimary(cluster, 1, two, false, of: 2)
        #expect(!cluster.performed[1].sent.contains { $0.tabs == [two] && $0.event == "primary" && $0.data == .object(["primary": .bool(true), "tabs": .integer(1)]) })
    }

    /// Same join time on both: the lower instance name is first, as every instance works it out.
    @Test func aTieIsBrokenByTheInstanceName() {
        var cluster = Cluster()
        let late = cluster.logIn(1, 1)
        let early = cluster.logIn(0, 2)
        Self.run(&cluster, milliseconds: 500)
        Self.expectPrimary(cluster, 0, early, true, of: 2)
        Self.expectPrimary(cluster, 1, late, false, of: 2)
    }

    /// The primary's instance is killed: its heartbeats and presence stop, and
    /// `presenceTimeoutMilliseconds` after the last one its tabs no longer count and the other instance's tab is
    /// primary; not before, and not while its heartbeats come.
    @Test func theOtherInstancesTabTakesOverWhenThePrimarysInstanceFallsSilent() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        cluster.instances[1].advance(milliseconds: 10)
        let two = cluster.logIn(1, 2)
        Self.run(&cluster, milliseconds: 10_000)  // heartbeats keep it alive past the timeout
        Self.expectPrimary(cluster, 1, two, false, of: 2)
        cluster.silent = [0]
        Self.run(&cluster, milliseconds: 3_500)
        Self.expectPrimary(cluster, 1, two, false, of: 2)
        Self.run(&cluster, milliseconds: 2_250)  // the timeout after the last heartbeat, at most one heartbeat later
        Self.expectPrimary(cluster, 1, two, true, of: 1)
        #expect(cluster.performed[1].counted.contains("instance_tabs_expired"))
        #expect(cluster.performed[1].logged.contains { $0.event == "agent_tabs_expired" })
        Self.expectPrimary(cluster, 0, one, true, of: 2)  // what the dead instance last sent
    }

    /// An instance that begins to follow the user asks the others for their tabs; after the
    /// channel was lost, one asks again and forgets the tabs nobody confirms (they left meanwhile).
    @Test func tabsThatLeftWhileTheChannelWasLostAreForgottenAfterAnAsk() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        #expect(cluster.performed[1].contains(.publishPresence(user: "alice", TabPresence(instance: "gw1", tabs: 1, firstJoined: 1_700_000_000_000, ask: true))))
        Self.run(&cluster, milliseconds: 500)
        Self.expectPrimary(cluster, 0, one, true, of: 2)
        cluster.publish = false
        _ = cluster.handle(1, .tabClosed(two))
        cluster.publish = true
        Self.expectPrimary(cluster, 0, one, true, of: 2)  // the leave was lost
        _ = cluster.handle(0, .sharedStateUp)
        Self.run(&cluster, milliseconds: 5_250)
        Self.expectPrimary(cluster, 0, one, true, of: 1)
    }

    /// A confirmed view survives an ask: the other instance answers it.
    @Test func anAskIsAnsweredByEveryInstanceWithTabsOfTheUser() {
        var cluster = Cluster()
        let one = cluster.logIn(0, 1)
        let two = cluster.logIn(1, 2)
        _ = cluster.handle(0, .sharedStateUp)
        Self.run(&cluster, milliseconds: 6_000)
        Self.expectPrimary(cluster, 0, one, true, of: 2)
        Self.expectPrimary(cluster, 1, two, false, of: 2)
    }

    /// Without a shared engine nothing is published and the oldest tab here is primary.
    @Test func oneProcessPublishesNothing() {
        var engine = EngineHarness()
        let one = engine.open(1), two = engine.open(2)
        var actions = engine.logIn(one, "alice")
        actions += engine.logIn(two, "alice")
        engine.advance(milliseconds: 10_000)
        actions += engine.handle(.tick)
        #expect(!actions.contains { if case .publishPresence = $0 { true } else { $0 == .publishHeartbeat } })
        #expect(actions.sent.last { $0.tabs == [one] && $0.event == "primary" }?.data == .object(["primary": .bool(true), "tabs": .integer(2)]))
    }
}
