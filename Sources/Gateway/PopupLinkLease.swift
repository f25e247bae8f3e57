import ClickToCall
import Synchronization

/// A `sip` session's hold on a click-to-call link (`VodiaLinkLeases`, docs/click-to-call.md
/// §3.1): taken at the upgrade, given back when the session's link to the SIP server goes
/// (`SIPLink`'s end, or its deinit on every other path: a refused upstream, a closed browser).
/// With `state.engine` `redis` the link is held in Redis too (`AgentHub+LinkLeases.swift`), and
/// given back there as well. `release()` may be called more than once.
final class PopupLinkLease: Sendable {
    private let context: ServerContext
    private let lease: VodiaLinkLeases.Lease
    /// The lease's holder name in Redis, once taken there.
    private let sharedHolder = Mutex<String?>(nil)

    /// Takes `link`; nil when another live session holds it.
    init?(context: ServerContext, link: String) {
        guard let lease = context.popupLinks.withLock({ $0.acquire(link) }) else { return nil }
        self.context = context
        self.lease = lease
    }

    var link: String { lease.link }

    /// Taken in Redis as `holder` too.
    func holdShared(_ holder: String) {
        sharedHolder.withLock { $0 = holder }
    }

    func release() {
        context.popupLinks.withLock { $0.release(lease) }
        guard let holder = sharedHolder.withLock({ holder in defer { holder = nil }; return holder }) else { return }
        let hub = context.agentHub, link = lease.link
        hub.loop.execute { hub.releaseLinkLease(link, holder: holder) }
    }

    deinit { release() }
}

/// A `sip` session opened with a popup's token (`PopupSIPSession`): what it may call, and its
/// hold on the link (nil for a signed-in user's popup).
struct PopupAdmission: Sendable {
    let session: PopupSIPSession
    let lease: PopupLinkLease?
}
