import JSON

/// A server-to-browser event: one per docs/compatibility.md §1.3 callback, named after the callback without its
/// `on` (`onCallRinging` → `callRinging`), sent as `{"event":"…","seq":17,"data":{…}}`.
///
/// `data` has one member per callback argument, named as the guide names it, with three rules
/// for the guide's gaps: the call callbacks' unnamed argument is `call`; `stateChange`'s object
/// argument (the guide's `staus`) is flattened into `status` and `reason`; `connect` also carries
/// `protocol`, this protocol's version (`AgentEvent.protocolVersion`).
public enum AgentEvent: Hashable, Sendable {
    /// The version of the agent protocol described in docs/agent-protocol.md.
    public static let protocolVersion = 1

    case connect(version: String)
    case credentials
    case loginError(code: LoginErrorCode, message: String)
    case user(User)
    /// Phones and their identifiers (when listing devices is enabled; else empty).
    case identify(identificators: [JSONValue])
    case identifier(identificator: String)
    case device([String: JSONValue])
    case ready(AgentSnapshot)
    case stateChange(status: AgentStatus, reason: String?)
    case callNew(Call)
    case callRinging(Call)
    case callConnect(Call)
    case callHold(Call)
    case callResume(Call)
    case callHangup(Call)
    case callMute(Call)
    case callUnmute(Call)
    case agentSuspend(queueId: Int)
    case agentResume(queueId: Int)
    case waitingCallersChange(waitingCallers: Int)
    case message(AgentMessage)
    case error(message: String)
    case warning(message: String)
    case info(message: String)
    /// Gateway: which of the user's tabs is primary (it rings and may auto-answer; the others
    /// mirror), and how many tabs the user has. Sent to every tab whenever the set changes.
    case primary(primary: Bool, tabs: Int)

    /// The `"event"` name.
    public var name: String {
        switch self {
        case .connect: "connect"
        case .credentials: "credentials"
        case .loginError: "loginError"
        case .user: "user"
        case .identify: "identify"
        case .identifier: "identifier"
        case .device: "device"
        case .ready: "ready"
        case .stateChange: "stateChange"
        case .callNew: "callNew"
        case .callRinging: "callRinging"
        case .callConnect: "callConnect"
        case .callHold: "callHold"
        case .callResume: "callResume"
        case .callHangup: "callHangup"
        case .callMute: "callMute"
        case .callUnmute: "callUnmute"
        case .agentSuspend: "agentSuspend"
        case .agentResume: "agentResume"
        case .waitingCallersChange: "waitingCallersChange"
        case .message: "message"
        case .error: "error"
        case .warning: "warning"
        case .info: "info"
        case .primary: "primary"
        }
    }

    /// Per-user (numbered, replayed) or per-session; see docs/agent-protocol.md, "Delivery".
    public var scope: AgentEventScope {
        switch self {
        case .stateChange, .callNew, .callRinging, .callConnect, .callHold, .callResume, .callHangup,
             .callMute, .callUnmute, .agentSuspend, .agentResume, .waitingCallersChange, .message:
            .user
        case .connect, .credentials, .loginError, .user, .identify, .identifier, .device, .ready,
             .error, .warning, .info, .primary:
            .session
        }
    }

    /// Whether a tab is asked to `ack` the event by its `seq`: `callRinging` only.
    public var expectsAck: Bool {
        if case .callRinging = self { true } else { false }
    }

    /// The text message. `seq` is written for `.user` events only (and there only when given);
    /// a session event never carries one, whatever is passed.
    public func encoded(seq: UInt64?) -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.raw(#"{"event":"#)
        json.string(name)
        if scope == .user, let seq {
            json.nextKey("seq")
            json.integer(seq)
        }
        json.nextKey("data")
        json.raw("{")
        switch self {
        case .connect(let version):
            json.key("version"); json.string(version)
            json.nextKey("protocol"); json.integer(Self.protocolVersion)
        case .credentials:
            break
        case .loginError(let code, let message):
            json.key("code"); json.integer(code.rawValue)
            json.nextKey("message"); json.string(message)
        case .user(let user):
            json.key("user"); json.user(user)
        case .identify(let identificators):
            json.key("identificators"); json.value(.array(identificators))
        case .identifier(let identificator):
            json.key("identificator"); json.string(identificator)
        case .device(let device):
            json.key("device"); json.object(device)
        case .ready(let state):
            json.key("state"); json.snapshot(state)
        case .stateChange(let status, let reason):
            json.key("status"); json.string(status.rawValue)
            json.nextKey("reason"); json.optionalString(reason)
        case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHold(let call),
             .callResume(let call), .callHangup(let call), .callMute(let call), .callUnmute(let call):
            json.key("call"); json.call(call)
        case .agentSuspend(let queueId), .agentResume(let queueId):
            json.key("queueId"); json.integer(queueId)
        case .waitingCallersChange(let waitingCallers):
            json.key("waitingCallers"); json.integer(waitingCallers)
        case .message(let message):
            json.key("message"); json.message(message)
        case .error(let message), .warning(let message), .info(let message):
            json.key("message"); json.string(message)
        case .primary(let primary, let tabs):
            json.key("primary"); json.bool(primary)
            json.nextKey("tabs"); json.integer(tabs)
        }
        json.raw("}}")
        return json.bytes
    }
}
