import SIP
import ClickToCall

/// What a `sip` session opened by the click-to-call popup may do (docs/click-to-call.md §3.4,
/// `PopupSIPSession`): call its one number, and carry that call on. `SIPGate` asks it about every
/// request that passed the identity check; a refusal is answered 403 like another identity.
///
/// | request | allowed |
/// |---|---|
/// | INVITE outside a dialog (RFC 3261 §12.1: no To tag) | only when the Request-URI's user part, unescaped, classifies (`NumberPlan`) to the number: `sip:2001@…`, `sip:+420602123456@…;user=phone`, any spelling of it |
/// | CANCEL, ACK outside a dialog (§9.1, §17.1.1.3: they belong to an INVITE's transaction) | yes |
/// | REGISTER | no: the popup places a call; it takes none (registering would fork the user's incoming calls to it) |
/// | any other request outside a dialog (OPTIONS, MESSAGE, SUBSCRIBE, REFER, PUBLISH, …) | no |
/// | REFER inside a dialog (RFC 3515: asks the far end to call someone else) | no |
/// | any other request inside a dialog (re-INVITE for hold, INFO for DTMF, BYE, UPDATE, …) | yes: they concern the call the INVITE set up |
///
/// Responses are not looked at: they answer what the SIP server sent.
public struct SIPCallRestriction: Sendable {
    public let number: String
    public let numbering: NumberPlan

    public init(session: PopupSIPSession, numbering: NumberPlan) {
        number = session.number
        self.numbering = numbering
    }

    /// Why `request` may not go upstream, or nil when it may.
    public func refusal(_ request: SIPRequest) -> String? {
        let method = request.method
        if method == "REGISTER" { return "a session opened by a click-to-call link cannot register" }
        if request.isInDialog {
            return method == "REFER" ? "a session opened by a click-to-call link cannot transfer its call" : nil
        }
        switch method {
        case "CANCEL", "ACK":
            return nil
        case "INVITE":
            let uri = request.requestURI
            guard uri.isSIP, let user = uri.unescapedUser,
                  VodiaSession.classifies(user, to: number, numbering: numbering) else {
                return "a session opened by a click-to-call link may call only \(number)"
            }
            return nil
        default:
            return "a session opened by a click-to-call link cannot send \(method)"
        }
    }
}
