import Glibc
import Routes
import Switchboard

/// `callgate switchboard` (docs/backend-protocol.md §12): the Switchboard served to gateway
/// instances over the call-control protocol. It is the embedded Switchboard as the hub knows it
/// (`EmbeddedCallControl`: the same answers, the same order of answers and events), on the
/// process's one loop, with its events numbered per user (`EventLog`) and sent to every gateway
/// connected, and kept for the ones that connect again.
final class CallControlService {
    let loop: EventLoop
    let settings: SwitchboardServiceSettings
    private let backend: EmbeddedCallControl
    private(set) var log: EventLog
    /// Gateways past their `resync`: they get every event.
    private var live: [ObjectIdentifier: CallControlPeer] = [:]
    /// The gateway instances (`X-Callgate-Instance`) that signed each user in: one instance's
    /// `signOut` (its last tab of the user closed) does not sign out a user another instance
    /// still has signed in, and an instance that did not sign a user in cannot call their ringing
    /// `unreachable` (docs/backend-protocol.md §12.8). Kept across reconnects of an instance.
    private var signedInBy: [String: Set<String>] = [:]

    static let backendName = "callgate-switchboard \(CommandLineOptions.version)"

    init(directory: Directory, settings: SwitchboardServiceSettings, loop: EventLoop) {
        self.loop = loop
        self.settings = settings
        backend = EmbeddedCallControl(directory: directory)
        log = EventLog(epoch: Self.newEpoch(), capacity: settings.eventsKept)
        backend.onEvents = { [unowned self] events in broadcast(events) }
        backend.start(on: loop)
    }

    /// Carries out a gateway's request; the answer goes back to it alone.
    func perform(_ request: CallControlRequest, id: UInt64, for peer: CallControlPeer) {
        let answer = { (answer: CallControlAnswer) in peer.send(CallControlMessage.answer(id: id, answer).encoded()) }
        switch request {
        case .signIn(let user, _):
            backend.perform(request) { [unowned self] result in
                if case .signedIn = result { signedInBy[user, default: []].insert(peer.instance) }
                answer(result)
            }
        case .signOut(let user):
            signedInBy[user]?.remove(peer.instance)
            if let others = signedInBy[user], !others.isEmpty {
                Log.info("switchboard_signout_kept", ["user": user, "peer": peer.name, "instances": "\(others.count)"])
                answer(.done)
                return
            }
            signedInBy[user] = nil
            backend.perform(request, completion: answer)
        case .unreachable(let user) where signedInBy[user]?.contains(peer.instance) != true:
            // Every instance's engine hears every ringing, but only one that signed the user in
            // holds tabs that could acknowledge it: another's silence withdraws nothing.
            Log.info("switchboard_unreachable_ignored", ["user": user, "peer": peer.name])
            answer(.done)
        default:
            backend.perform(request, completion: answer)
        }
    }

    /// The events the gateway missed, `resynced`, and from then on every event.
    func resync(_ peer: CallControlPeer, epoch: String, after: [String: UInt64]) {
        let (messages, lost) = log.resync(epoch: epoch, after: after)
        for message in messages { peer.send(message) }
        peer.send(CallControlMessage.resynced(lost: lost).encoded())
        live[ObjectIdentifier(peer)] = peer
        loop.metrics.routeEvent("switchboard", lost.isEmpty ? "resync_complete" : "resync_lost")
        Log.info("switchboard_resync", ["peer": peer.name, "replayed": "\(messages.count)", "lost": "\(lost.count)"])
    }

    func closed(_ peer: CallControlPeer) {
        live[ObjectIdentifier(peer)] = nil
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
