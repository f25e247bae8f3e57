import ClickToCall

/// A `sip` session's hold on a click-to-call link (`VodiaLinkLeases`, docs/click-to-call.md
/// §3.1): taken at the upgrade, given back when the session's link to the SIP server goes
/// (`SIPLink`'s end, or its deinit on every other path: a refused upstream, a closed browser).
/// `release()` may be called more than once.
final class PopupLinkLease: Sendable {
    private let context: ServerContext
    private let lease: VodiaLinkLeases.Lease

    /// Takes `link`; nil when another live session holds it.
    init?(context: ServerContext, link: String) {
        guard let lease = context.popupLinks.withLock({ $0.acquire(link) }) else { return nil }
        self.context = context
        self.lease = lease
    }

    func release() {
        context.popupLinks.withLock { $0.release(lease) }
    }

    deinit { release() }
}

/// A `sip` session opened with a popup's token (`PopupSIPSession`): what it may call, and its
/// hold on the link (nil for a signed-in user's popup).
struct PopupAdmission: Sendable {
    let session: PopupSIPSession
    let lease: PopupLinkLease?
}
