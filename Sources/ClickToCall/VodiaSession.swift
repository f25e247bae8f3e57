import AuthSchemes
import AgentProtocol

/// The agent session a verified Vodia popup link opens (docs/click-to-call.md §3): a session
/// token for the link's user that may place **one number's** calls and nothing else.
///
/// In the token (`SessionTokenSigner`) the restriction is the scope and the provider:
///
///     scope    = "makecall"
///     provider = "makecall:" number      (number = DialNumber.text: "+420602123456" or "2001")
///     expires  = the link's time + duration
///
/// A dedicated scope keeps every reader that does not know the restriction from accepting the
/// token: the gateway's credential checks want scope `channels` or the channel's own name, so
/// the token opens no side channel (`report`, …), no upgrade and no `/callto` cookie. Only the
/// agent hub's `attach` reads it, through `init?(claims:)`, and then holds the tab to
/// `refusal(_:numbering:currentCallNumber:)`.
public struct VodiaSession: Hashable, Sendable {
    /// The session token scope of popup sessions.
    public static let scope = "makecall"
    /// What the token's provider starts with; the number follows.
    public static let providerPrefix = "makecall:"

    /// The methods the popup needs: resuming and acknowledging (`attach`, `ack`, `ping`), reading
    /// the state, pairing the agent's phone (`selectIdentifier`, `provision`, `identify`), and the
    /// call itself (`dial` of `number` only, `hangup`, `dtmf`). Everything else is `restricted`.
    public static let methods: Set<AgentMethod> = [.attach, .ack, .ping, .state, .selectIdentifier, .provision, .identify,
                                                   .dial, .hangup, .dtmf]

    /// The only number the session may call, classified (`DialNumber.text`).
    public let number: String

    public init(number: DialNumber) {
        self.number = number.text
    }

    /// The restriction of a session token's claims; nil unless the scope is `makecall` and the
    /// provider `makecall:` and a number.
    public init?(claims: SessionClaims) {
        guard claims.scope == Self.scope, claims.provider.hasPrefix(Self.providerPrefix) else { return nil }
        let number = claims.provider.dropFirst(Self.providerPrefix.count)
        guard !number.isEmpty else { return nil }
        self.number = String(number)
    }

    /// The claims of the token for `link`, which dials `number` (`VerifiedVodiaLink.number`),
    /// issued at `issued`, valid until the link's end.
    public static func claims(for link: VerifiedVodiaLink, number: DialNumber, user: String, issued: Int64) -> SessionClaims {
        SessionClaims(user: user, provider: providerPrefix + number.text, scope: scope, issued: issued, expires: link.expires)
    }

    /// Why `command` is refused in this session (an agent-protocol error kind, code
    /// `restricted`), or nil when it may go on to the back end:
    /// - a method outside `methods`;
    /// - `dial` of a number that does not classify (`numbering`) to `number`;
    /// - `hangup` or `dtmf` while the agent's current call is with another number
    ///   (`currentCallNumber`: the other party's number as the Call object has it, nil without a
    ///   call; the back end then answers `noActiveCall` itself).
    public func refusal(_ command: AgentCommand, numbering: NumberPlan,
                        currentCallNumber: () -> String?) -> AgentProtocolError.Kind? {
        guard Self.methods.contains(command.method) else {
            return .failed(code: "restricted", text: "a session opened by a click-to-call link cannot use \(command.method.rawValue)")
        }
        switch command {
        case .dial(let params):
            guard Self.classifies(params.number, to: number, numbering: numbering) else {
                return .failed(code: "restricted", text: "a session opened by a click-to-call link may call only \(number)")
            }
        case .hangup, .dtmf:
            if let other = currentCallNumber(), !Self.classifies(other, to: number, numbering: numbering) {
                return .failed(code: "restricted",
                               text: "a session opened by a click-to-call link controls only its call to \(number)")
            }
        default:
            break
        }
        return nil
    }

    /// Whether `text`, in any spelling the plan reads, is `number` (a `DialNumber.text`).
    package static func classifies(_ text: String, to number: String, numbering: NumberPlan) -> Bool {
        if case .success(let classified) = numbering.classify(text) { return classified.text == number }
        return false
    }
}
