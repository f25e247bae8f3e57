import Glibc
import Routes

/// Action URLs out (docs/click-to-call.md §5): on each call event, one request per configured
/// target, queued per target and sent from this dispatcher's own loop, so a slow or dead CRM
/// never delays the event path. SCAFFOLD: `publish` drops everything until the client lands.
final class ActionURLDispatcher: @unchecked Sendable {
    let loop: EventLoop
    let settings: ActionURLSettings

    init(settings: ActionURLSettings) {
        self.settings = settings
        loop = EventLoop(index: -3)
    }

    /// Starts the dispatcher's thread.
    func start() -> pthread_t {
        Thread.spawn(name: "callgate-actionurl") { [loop] in loop.run() }
    }

    func stop() {
        loop.stop()
    }

    /// Queues one request per target for `values`. Any thread; returns at once.
    func publish(_ values: ActionURLValues) {
        guard !settings.targets.isEmpty else { return }
    }
}
