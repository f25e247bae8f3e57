import Glibc
import CallControlMessages
import AuthSchemes
import Switchboard

/// `callgate switchboard` (docs/backend-protocol.md §12): the Switchboard served to gateway
/// instances over the call-control protocol. It is the embedded Switchboard as the hub knows it
/// (`EmbeddedCallControl`: the same answers, the same order of answers and events), on the
/// process's one loop, with its events numbered per user (`EventLog`) and sent to every gateway
/// connected, and kept for the ones that connect again.
final class CallControlService: TimedHandler {
    let loop: EventLoop
    let settings: SwitchboardServiceSettings
    private let backend: EmbeddedCallControl
    private(set) var log: EventLog
    /// Gateways past their `resync`: they get every event.
    private var live: [ObjectIdentifier: CallControlPeer] = [:]
    /// The gateway instances (`X-Callgate-Instance`) that signed each user in: one instance's
    /// `signOut` (its last tab of the user closed) does not sign out a user another instance
    /// still has signed in, and an instance that did not sign a user in cannot call their ringing
    /// `unreachable` (docs/backend-protocol.md §12.8). Kept across reconnects of an instance,
    /// reconciled at its `resync`, ended when it stays away past `instanceGraceMilliseconds`.
    private var signIns = InstanceSignIns()
    var tickSlot = -1

    static let backendName = "callgate-switchboard \(CommandLineOptions.version)"

    init(directory: Directory, settings: SwitchboardServiceSettings, loop: EventLoop) {
        self.loop = loop
        self.settings = settings
        backend = EmbeddedCallControl(directory: directory)
        log = EventLog(epoch: Self.newEpoch(), capacity: settings.eventsKept, byteCapacity: settings.eventsKeptBytes)
        backend.onEvents = { [unowned self] events in broadcast(events) }
        backend.start(on: loop)
        loop.addTimed(self)
    }

    /// Carries out a gateway's request; the answer goes back to it alone.
    func perform(_ request: CallControlRequest, id: UInt64, for peer: CallControlPeer) {
        let answer = { (answer: CallControlAnswer) in peer.send(CallControlMessage.answer(id: id, answer).encoded()) }
        switch request {
        case .signIn(let user, _):
            backend.perform(request) { [unowned self] result in
                if case .signedIn = result { signIns.signedIn(user, by: peer.instance) }
                answer(result)
            }
        case .signOut(let user):
            guard signIns.signedOut(user, by: peer.instance) else {
                Log.info("switchboard_signout_kept", ["user": user, "peer": peer.name, "instances": "\(signIns.instances(of: user).count)"])
                answer(.done)
                return
            }
            backend.perform(request, completion: answer)
        case .unreachable(let user) where !signIns.instances(of: user).contains(peer.instance):
            // Every instance's engine hears every ringing, but only one that signed the user in
            // holds tabs that could acknowledge it: another's silence withdraws nothing.
            Log.info("switchboard_unreachable_ignored", ["user": user, "peer": peer.name])
            answer(.done)
        default:
            backend.perform(request, completion: answer)
        }
    }

    /// The events the gateway missed, `resynced`, and from then on every event. With the users
    /// the gateway names as signed in (§12.5), the ones it no longer names are signed out, and
    /// the ones it names that are not signed in for it here are sent back as `signedOut`.
    func resync(_ peer: CallControlPeer, epoch: String, after: [String: UInt64], signedIn: [String]?) {
        let (messages, lost) = log.resync(epoch: epoch, after: after)
        var signedOut: [String] = []
        if let signedIn {
            let reconciled = signIns.reconcile(peer.instance, signedIn: Set(signedIn))
            signOut(reconciled.signOut, reason: "reconciled", peer: peer.name)
            signedOut = reconciled.notSignedIn
        }
        for message in messages { peer.send(message) }
        peer.send(CallControlMessage.resynced(lost: lost, signedOut: signedOut).encoded())
        live[ObjectIdentifier(peer)] = peer
        loop.metrics.routeEvent("switchboard", lost.isEmpty ? "resync_complete" : "resync_lost")
        Log.info("switchboard_resync", ["peer": peer.name, "replayed": "\(messages.count)", "lost": "\(lost.count)"])
    }

    func opened(_ peer: CallControlPeer) {
        signIns.connected(peer.instance)
    }

    func closed(_ peer: CallControlPeer) {
        live[ObjectIdentifier(peer)] = nil
        signIns.disconnected(peer.instance, now: loop.now)
    }

    /// Instances away for longer than `instanceGraceMilliseconds` are gone: the users only they
    /// had signed in are signed out.
    func tick(now: UInt64) {
        let (instances, users) = signIns.expire(now: now, graceMilliseconds: UInt64(settings.instanceGraceMilliseconds))
        for instance in instances {
            loop.metrics.routeEvent("switchboard", "instance_expired")
            Log.info("switchboard_instance_expired", ["instance": instance, "ms": "\(settings.instanceGraceMilliseconds)"])
        }
        signOut(users, reason: "expired", peer: instances.joined(separator: ","))
    }

    /// Signs `users` out at the back end on the service's own account (no gateway asked):
    /// `reason` is `reconciled` (a `resync` no longer names them) or `expired` (their instance is gone).
    private func signOut(_ users: [String], reason: String, peer: String) {
        for user in users {
            loop.metrics.routeEvent("switchboard", "signout_\(reason)")
            Log.info("switchboard_signout_\(reason)", ["user": user, "peer": peer])
            backend.perform(.signOut(user: user)) { _ in }
        }
    }

    private func broadcast(_ events: [AddressedEvent]) {
        for event in events {
            let message = log.append(event)
            for peer in live.values { peer.send(message) }
        }
    }

    /// 16 random bytes in hex: a new epoch at each start (the counters are not kept).
    private static func newEpoch() -> String {
        MD5.hex(SystemRandom.bytes(16))
    }
}
