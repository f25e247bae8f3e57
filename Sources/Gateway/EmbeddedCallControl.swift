import Glibc
import CallControlMessages
import Switchboard

/// The embedded Switchboard (`Sources/Switchboard`) as the hub's call control: it lives on the
/// hub's loop, answers each request before `perform` returns, and hands over the events the
/// request caused right after the answer. A sign-out's events (OFFLINE, the calls it ended) come
/// before its answer instead, so that the user's tabs hear them while still the user's. The
/// loop's timer drives the Switchboard's time (ringing timeouts, ACW, simulated answers).
final class EmbeddedCallControl: CallControl, TimedHandler {
    let switchboard: Switchboard
    var onEvents: ([AddressedEvent]) -> Void = { _ in }
    var tickSlot = -1

    init(directory: Directory) {
        switchboard = Switchboard(directory: directory, randomBytes: SystemRandom.bytes)
    }

    func start(on loop: EventLoop) {
        loop.addTimed(self)
    }

    func tick(now: UInt64) {
        switchboard.tick(now: Self.now)
        flush()
    }

    func perform(_ request: CallControlRequest, completion: @escaping (CallControlAnswer) -> Void) {
        let answer = answer(request, now: Self.now)
        if case .signOut = request {
            flush()
            completion(answer)
        } else {
            completion(answer)
            flush()
        }
    }

    private func answer(_ request: CallControlRequest, now: Int64) -> CallControlAnswer {
        do throws(SwitchboardError) {
            switch request {
            case .signIn(let user, let identifiers):
                return .signedIn(try switchboard.signIn(user, identifiers: identifiers, now: now))
            case .signOut(let user):
                switchboard.signOut(user, now: now)
            case .execute(let user, let command):
                return .executed(try switchboard.execute(command, for: user, now: now))
            case .snapshot(let user):
                return .snapshot(switchboard.snapshot(of: user, now: now))
            case .unreachable(let user):
                switchboard.unreachable(user, now: now)
            case .setBusy(let user, let busy):
                switchboard.setBusy(user, busy, now: now)
            case .lookUp(let lookups):
                return .found(lookups.map(switchboard.agent(_:)))
            case .party(let user):
                return .party(switchboard.party(of: user))
            case .callHistory(let user, let query):
                let page = switchboard.callHistory(of: user, query, now: now)
                return .callHistory(calls: page.calls, total: page.total)
            case .summary:
                return .summary(CallControlSummary(agents: switchboard.agents, liveCalls: switchboard.liveCalls,
                                                   waitingCallers: switchboard.waitingCallers))
            case .admin(let command):
                let response = switchboard.perform(command, now: now)
                return .admin(status: response.status, body: response.body)
            }
            return .done
        } catch {
            return .failed(error)
        }
    }

    /// Hands over what the Switchboard emitted since the last time.
    private func flush() {
        let events = switchboard.takeEvents()
        if !events.isEmpty { onEvents(events) }
    }

    /// Unix seconds: the Switchboard's clock.
    private static var now: Int64 { Int64(time(nil)) }
}
