import Testing
@testable import Switchboard

/// docs/backend-protocol.md §12.8: which gateway instances signed each user in at the service,
/// reconciled at `resync` (§12.5) and ended when an instance stays away past the grace.
@Suite struct InstanceSignInsTests {
    @Test func aUserIsSignedOutWhenTheLastInstanceSignsThemOut() {
        var signIns = InstanceSignIns()
        signIns.signedIn("alice", by: "gw1")
        signIns.signedIn("alice", by: "gw2")
        let kept = signIns.signedOut("alice", by: "gw1")
        #expect(!kept && signIns.instances(of: "alice") == ["gw2"])
        let last = signIns.signedOut("alice", by: "gw2")
        #expect(last && signIns.instances(of: "alice").isEmpty)
        // A sign-out of a user nobody signed in is passed on: the back end answers it.
        let nobody = signIns.signedOut("bob", by: "gw1")
        #expect(nobody)
    }

    @Test func resyncSignsOutWhomTheInstanceNoLongerNamesAndReportsWhomItLost() {
        var signIns = InstanceSignIns()
        signIns.signedIn("alice", by: "gw1")
        signIns.signedIn("bob", by: "gw1")
        signIns.signedIn("bob", by: "gw2")
        signIns.signedIn("carol", by: "gw2")
        // gw1 signed alice and bob out while the service could not hear it, and names dave,
        // whom it signed in before the service gave it up.
        let reconciled = signIns.reconcile("gw1", signedIn: ["dave"])
        #expect(reconciled == .init(signOut: ["alice"], notSignedIn: ["dave"]))
        #expect(signIns.instances(of: "bob") == ["gw2"])
        #expect(signIns.instances(of: "carol") == ["gw2"])
        // Naming exactly what is recorded changes nothing.
        let same = signIns.reconcile("gw2", signedIn: ["bob", "carol"])
        #expect(same == .init())
    }

    @Test func anInstanceAwayPastTheGraceLosesItsSignIns() {
        var signIns = InstanceSignIns()
        signIns.signedIn("alice", by: "gw1")
        signIns.signedIn("bob", by: "gw1")
        signIns.signedIn("bob", by: "gw2")
        signIns.connected("gw1")
        signIns.connected("gw2")
        signIns.disconnected("gw1", now: 1_000)
        let early = signIns.expire(now: 1_999, graceMilliseconds: 1_000)
        #expect(early.instances.isEmpty && early.signOut.isEmpty)
        let expired = signIns.expire(now: 2_000, graceMilliseconds: 1_000)
        #expect(expired.instances == ["gw1"] && expired.signOut == ["alice"])
        #expect(signIns.instances(of: "bob") == ["gw2"])
        // Once expired, it is not expired again.
        let again = signIns.expire(now: 9_000, graceMilliseconds: 1_000)
        #expect(again.instances.isEmpty && again.signOut.isEmpty)
    }

    @Test func anInstanceThatComesBackInTimeKeepsItsSignIns() {
        var signIns = InstanceSignIns()
        signIns.signedIn("alice", by: "gw1")
        signIns.connected("gw1")
        // Its new connection may open before the old one is seen to close.
        signIns.connected("gw1")
        signIns.disconnected("gw1", now: 1_000)
        let stillConnected = signIns.expire(now: 5_000, graceMilliseconds: 1_000)
        #expect(stillConnected.instances.isEmpty)
        signIns.disconnected("gw1", now: 6_000)
        signIns.connected("gw1")
        let back = signIns.expire(now: 9_000, graceMilliseconds: 1_000)
        #expect(back.instances.isEmpty)
        #expect(signIns.instances(of: "alice") == ["gw1"])
    }
}
