/// A request method of the agent protocol: one per `window.ucsOperator` method (docs/compatibility.md §1.4), with
/// the raw value the guide's name verbatim, plus the gateway's two delivery requests `attach` and
/// `ack` (docs/agent-protocol.md, "Delivery"), `callHistory`, `dtmf` and `ping`. Browser-local functions of the
/// guide that never reach the server (`testRingingSound`, `stopRingingSoundTest`) have no method.
public enum AgentMethod: String, CaseIterable, Hashable, Sendable {
    case login
    case sso
    case logout
    /// docs/compatibility.md §1.4: the guide calls it `selectIdentifier` in its method list and `identificator` in
    /// its list of states; both names are accepted (`init?(wireName:)`), this one is canonical.
    case selectIdentifier
    case provision
    case identify
    case changeStatus
    case suspend
    /// Resume serving a queue (docs/compatibility.md §1.4 `resume(queue)`); not the reconnect resume, see `attach`.
    case resume
    case answer
    case dial
    case hangup
    case transfer
    case finishTransfer
    case blindTransfer
    case hold
    case unhold
    case mute
    case notify
    case state
    case setAccountCode
    case selectRingingSound
    /// Gateway: a reconnecting tab re-joins its user's event stream after `lastSeq`.
    case attach
    /// Gateway: a tab acknowledges a `callRinging` event by its `seq`.
    case ack
    /// Gateway: the agent's ended calls, newest first (the bar's call history; also served on
    /// the `report` channel).
    case callHistory
    /// Gateway: touch-tones into the agent's connected call (the Vodia popup's keypad, docs/compatibility.md §2.4:
    /// "Die Tastatur dient zum Senden von DTMF für IVR-Systeme").
    case dtmf
    /// Gateway: a liveness probe, answered `{}` at once by the tab's own connection: a bar that
    /// gets no reply (nor anything else) in time knows its connection is dead.
    case ping

    /// The method for a request's `"method"` string: the raw value, or the guide's alias
    /// `identificator` for `selectIdentifier`. Case-sensitive.
    public init?(wireName: String) {
        if wireName == "identificator" {
            self = .selectIdentifier
        } else {
            self.init(rawValue: wireName)
        }
    }

    /// The session states in which the method may be called. the agent bar guide's list (docs/compatibility.md
    /// §1.4), verbatim, for the methods it names; `notify` in any state. The guide's list omits `finishTransfer`,
    /// `blindTransfer`, `mute` and `setAccountCode`: they are call-control methods and get READY, like `transfer`
    /// and `hold`. `attach` replaces a login (CREDENTIALS); `ack` answers a ringing event, which only a READY
    /// session receives; `dtmf` is call control (READY; the Switchboard also wants a connected call); `ping` in any
    /// state.
    public var allowedStates: Set<AgentState> {
        switch self {
        case .login, .sso, .attach:
            [.credentials]
        case .logout, .callHistory:
            [.identify, .device, .ready]
        case .selectIdentifier, .provision:
            [.identify, .device]
        case .identify:
            [.device, .ready]
        case .changeStatus, .suspend, .resume, .answer, .dial, .hangup, .transfer, .finishTransfer,
             .blindTransfer, .hold, .unhold, .mute, .state, .setAccountCode, .selectRingingSound, .ack, .dtmf:
            [.ready]
        case .notify, .ping:
            Set(AgentState.allCases)
        }
    }

    /// Nil when the method may be called in `state`, else a `wrongState` error (without a
    /// request id; `AgentRequest.check(in:)` adds it).
    public func check(in state: AgentState) -> AgentProtocolError? {
        allowedStates.contains(state) ? nil : AgentProtocolError(id: nil, kind: .wrongState(method: self, state: state))
    }
}
