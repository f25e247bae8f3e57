import JSON

extension AgentCommand {
    /// The request's `params` object that `AgentRequest.parse` reads back into this command
    /// (docs/agent-protocol.md §2.1): what the call-control protocol's `execute` carries
    /// (docs/backend-protocol.md §12). Absent optionals are left out; members are written sorted.
    public var params: [String: JSONValue] {
        var params: [String: JSONValue] = [:]
        func put(_ key: String, _ value: String?) { if let value { params[key] = .string(value) } }
        func put(_ key: String, _ value: Int?) { if let value { params[key] = .integer(value) } }
        func put(_ key: String, _ value: [String: JSONValue]?) { if let value { params[key] = .object(value) } }
        func put(_ options: SignInOptions) {
            params["autologout"] = .bool(options.autologout)
            params["logoutOnClose"] = .bool(options.logoutOnClose)
            put("tab", options.tab)
        }
        switch self {
        case .login(let username, let password, let remember, let options):
            put("username", username); put("password", password); params["remember"] = .bool(remember)
            put(options)
        case .sso(let username, let token, let provider, let options):
            put("username", username); put("token", token); put("provider", provider)
            put(options)
        case .logout, .provision, .identify, .answer, .hangup, .finishTransfer, .hold, .unhold, .mute, .state, .ping:
            break
        case .selectIdentifier(let identifier):
            put("identifier", identifier)
        case .changeStatus(let status, let reason):
            put("status", status.rawValue); put("reason", reason)
        case .suspend(let queue), .resume(let queue):
            put("queue", queue)
        case .dial(let dial):
            put("number", dial.number)
            switch dial.queue {
            case .id(let id): put("queue", id)
            case .directCall: put("queue", "directCall")
            case .undefined: put("queue", "undefined")
            }
            put("line", dial.line); put("data", dial.data); put("idempotencyKey", dial.idempotencyKey)
        case .transfer(let number):
            put("number", number)
        case .blindTransfer(let number):
            put("number", number)
        case .notify(let notify):
            put("title", notify.title); put("type", notify.type.rawValue); params["unique"] = .bool(notify.unique)
            put("timeout", notify.timeout); put("boundState", notify.boundState?.rawValue); put("group", notify.group)
            put("other", notify.other)
        case .setAccountCode(let codes):
            put("uniqueid", codes.uniqueid); put("accountCode", codes.accountCode); put("subAccountCode", codes.subAccountCode)
            params["override"] = .bool(codes.override)
        case .selectRingingSound(let sound):
            put("ringingSound", sound.rawValue)
        case .attach(let lastSeq, let token, let tab, let epoch):
            params["lastSeq"] = .integer(lastSeq); put("token", token); put("tab", tab); put("epoch", epoch)
        case .ack(let seq):
            params["seq"] = .integer(seq)
        case .callHistory(let query):
            put("filter", query.filter); put("direction", query.direction?.rawValue); put("limit", query.limit)
        case .dtmf(let digits):
            put("digits", digits)
        }
        return params
    }
}
