import JSON

extension AgentEvent {
    /// Reads an event as `encoded(seq:)` writes it, from its `"event"` name and its `"data"`
    /// object (docs/agent-protocol.md §5), for the call-control protocol, where a back end sends
    /// the agent events of its users (docs/backend-protocol.md §12). Nil for a name this version
    /// does not know (a receiver ignores it); an error for a known name whose data does not fit.
    public init?(name: String, data value: JSONValue, path: String) throws(JSONFieldError) {
        let data = try JSONFields(value, path: path)
        func call() throws(JSONFieldError) -> Call { try Call(json: try data.value("call"), path: "\(path).call") }
        switch name {
        case "connect": self = .connect(version: try data.string("version"))
        case "credentials": self = .credentials
        case "loginError":
            self = .loginError(code: LoginErrorCode(rawValue: try data.int("code")), message: try data.string("message"))
        case "user": self = .user(try User(json: try data.value("user"), path: "\(path).user"))
        case "identify": self = .identify(identificators: try data.array("identificators", default: []))
        case "identifier": self = .identifier(identificator: try data.string("identificator"))
        case "device": self = .device(try data.object("device"))
        case "ready": self = .ready(try AgentSnapshot(json: try data.value("state"), path: "\(path).state"))
        case "stateChange":
            self = .stateChange(status: try data.enumeration("status", AgentStatus.self), reason: try data.optionalString("reason"))
        case "callNew": self = .callNew(try call())
        case "callRinging": self = .callRinging(try call())
        case "callConnect": self = .callConnect(try call())
        case "callHold": self = .callHold(try call())
        case "callResume": self = .callResume(try call())
        case "callHangup": self = .callHangup(try call())
        case "callMute": self = .callMute(try call())
        case "callUnmute": self = .callUnmute(try call())
        case "agentSuspend": self = .agentSuspend(queueId: try data.int("queueId"))
        case "agentResume": self = .agentResume(queueId: try data.int("queueId"))
        case "waitingCallersChange": self = .waitingCallersChange(waitingCallers: try data.int("waitingCallers"))
        case "message":
            let message = try data.fields("message")
            self = .message(AgentMessage(message: try message.string("message"), type: try message.enumeration("type", MessageType.self),
                                         group: try message.optionalString("group"), data: try message.optionalObject("data")))
        case "error": self = .error(message: try data.string("message"))
        case "warning": self = .warning(message: try data.string("message"))
        case "info": self = .info(message: try data.string("message"))
        case "primary": self = .primary(primary: try data.bool("primary"), tabs: try data.int("tabs"))
        default: return nil
        }
    }
}
