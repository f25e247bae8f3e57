/// Which identity a request from an authenticated browser may claim (docs/sip-edge.md §2): the
/// user's own, and no one else's.
///
/// - REGISTER: the To (the address of record being bound, RFC 3261 §10.2) must be the user's
///   identity, and every Contact's user part must be the identity's user (the Contact host is
///   the device's); `Contact: *` (remove every binding, §10.2.2) has no user and passes.
/// - Any other request outside a dialog (no To tag, §12.1.2), INVITE among them: the From (the
///   originator, §8.1.1.3) must be the user's identity.
/// - Requests inside a dialog (To with a tag) are not checked here: the callee of a call sends
///   them with the From it was called at, which may be another of its numbers; the SIP server
///   routes them by the dialog's route set.
public enum SIPIdentityPolicy {
    public enum Verdict: Hashable, Sendable {
        case allowed
        /// Another identity: the reason names the header field and the URI it held.
        case refused(String)
    }

    public static func check(_ request: SIPRequest, as identity: SIPIdentity) -> Verdict {
        let headers = request.headers
        if request.method == "REGISTER" {
            guard identity.isAddress(headers.to.uri) else {
                return .refused("REGISTER To \(headers.to.uri) is not \(identity)")
            }
            for case .address(let contact) in headers.contacts where !identity.isUser(contact.uri) {
                return .refused("REGISTER Contact \(contact.uri) is not user \(identity.user)")
            }
            return .allowed
        }
        if request.isInDialog { return .allowed }
        guard identity.isAddress(headers.from.uri) else {
            return .refused("\(request.method) From \(headers.from.uri) is not \(identity)")
        }
        return .allowed
    }
}
