/// A parsed request's method with its typed, validated parameters: one case per `AgentMethod`.
/// Validation rules per parameter are in `AgentRequest.parse` and docs/agent-protocol.md.
public enum AgentCommand: Hashable, Sendable {
    /// `remember`: save the credentials for the next login (absent: false).
    case login(username: String, password: String, remember: Bool, options: SignInOptions)
    /// `provider`: the integrating application's name (absent: "").
    case sso(username: String, token: String, provider: String, options: SignInOptions)
    case logout
    case selectIdentifier(identifier: String)
    case provision
    case identify
    /// `reason` only means something with AUX; it is passed on whatever the status.
    case changeStatus(status: AgentStatus, reason: String?)
    case suspend(queue: Int)
    case resume(queue: Int)
    case answer
    case dial(DialParams)
    case hangup
    /// Without a number: enter transfer mode (the call goes on hold, then `dial` the consultee).
    /// With one: hold and dial the consultee at once.
    case transfer(number: String?)
    case finishTransfer
    case blindTransfer(number: String)
    case hold
    case unhold
    /// A toggle (docs/compatibility.md §1.4).
    case mute
    case notify(NotifyParams)
    case state
    case setAccountCode(AccountCodeParams)
    case selectRingingSound(ringingSound: RingingSound)
    /// `token`: a session token (`SessionTokenSigner`, scope `ws`); nil when the WebSocket upgrade
    /// already carried a credential. `tab`: the browser tab's id (`SignInOptions.tab`).
    case attach(lastSeq: UInt64, token: String?, tab: String?, epoch: String? = nil)
    case ack(seq: UInt64)
    case callHistory(CallHistoryQuery)
    /// `digits`: 1–`maxDTMFDigits` of `0-9 * # A-D` (`AgentRequest.parse` checks them).
    case dtmf(digits: String)
    case ping

    /// The most touch-tones one `dtmf` request may carry.
    public static let maxDTMFDigits = 32

    /// The DTMF symbols of RFC 4733 §3.2 events 0–15: the digits, `*`, `#` and `A`–`D`.
    public static func isDTMFDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: "A")...UInt8(ascii: "D"): true
        default: false
        }
    }

    public var method: AgentMethod {
        switch self {
        case .login: .login
        case .sso: .sso
        case .logout: .logout
        case .selectIdentifier: .selectIdentifier
        case .provision: .provision
        case .identify: .identify
        case .changeStatus: .changeStatus
        case .suspend: .suspend
        case .resume: .resume
        case .answer: .answer
        case .dial: .dial
        case .hangup: .hangup
        case .transfer: .transfer
        case .finishTransfer: .finishTransfer
        case .blindTransfer: .blindTransfer
        case .hold: .hold
        case .unhold: .unhold
        case .mute: .mute
        case .notify: .notify
        case .state: .state
        case .setAccountCode: .setAccountCode
        case .callHistory: .callHistory
        case .selectRingingSound: .selectRingingSound
        case .attach: .attach
        case .ack: .ack
        case .dtmf: .dtmf
        case .ping: .ping
        }
    }
}
