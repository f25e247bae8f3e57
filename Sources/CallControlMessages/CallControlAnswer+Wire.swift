import JSON
import AgentProtocol

/// Answers on the wire of the call-control protocol (docs/backend-protocol.md §12.4):
/// `{"type":"answer","id":7,"result":"<kind>",…}` with the members of each kind after `result`,
/// or `{"type":"answer","id":7,"error":{"code":…,"text":…,"httpStatus":…}}`. Objects are the
/// agent protocol's (docs/agent-protocol.md §6), written by its writers and read back by
/// `Call(json:)`, `User(json:)`, `AgentSnapshot(json:)`.
extension CallControlAnswer {
    /// Writes `,"result":…` and the answer's members, or `,"error":{…}`.
    func write(into json: inout JSONWriter) {
        func kind(_ name: StaticString) { json.nextKey("result"); json.raw("\""); json.raw(name); json.raw("\"") }
        switch self {
        case .done:
            kind("done")
        case .signedIn(let signIn):
            kind("signedIn")
            json.nextKey("user"); json.user(signIn.user)
            json.nextKey("state"); json.string(signIn.state.rawValue)
            json.nextKey("identificators"); json.value(.array(signIn.identificators))
            json.nextKey("identifier"); json.optionalString(signIn.identifier)
            json.nextKey("snapshot"); json.optionalSnapshot(signIn.snapshot)
        case .executed(let reply):
            kind("executed")
            switch reply {
            case .ok:
                json.raw(#","reply":"ok""#)
            case .fields(let fields):
                json.raw(#","reply":"fields","fields":"#); json.object(fields)
            case .state(let snapshot):
                json.raw(#","reply":"state","state":"#); json.snapshot(snapshot)
            case .callHistory(let calls, let total):
                json.raw(#","reply":"callHistory""#); json.history(calls, total: total)
            }
        case .snapshot(let snapshot):
            kind("snapshot")
            json.nextKey("snapshot"); json.optionalSnapshot(snapshot)
        case .found(let users):
            kind("found")
            json.nextKey("users"); json.value(.array(users.map { $0.map(JSONValue.string) ?? .null }))
        case .party(let party):
            kind("party")
            json.nextKey("party")
            if let party {
                json.raw("{"); json.key("party"); json.string(party.party)
                json.nextKey("alias"); json.string(party.alias); json.raw("}")
            } else {
                json.raw("null")
            }
        case .callHistory(let calls, let total):
            kind("callHistory")
            json.history(calls, total: total)
        case .summary(let summary):
            kind("summary")
            json.nextKey("agents"); json.raw("[")
            for (index, agent) in summary.agents.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw("{"); json.key("username"); json.string(agent.username)
                json.nextKey("state"); json.string(agent.state.rawValue)
                json.nextKey("status"); json.string(agent.status.rawValue)
                json.nextKey("reason"); json.optionalString(agent.reason)
                json.nextKey("call"); json.optionalString(agent.call)
                json.nextKey("busy"); json.bool(agent.busy); json.raw("}")
            }
            json.raw("]")
            json.nextKey("liveCalls"); json.integer(summary.liveCalls)
            json.nextKey("waitingCallers"); json.integer(summary.waitingCallers)
        case .admin(let status, let body):
            kind("admin")
            json.nextKey("status"); json.integer(status)
            // The admin API's bodies are JSON (docs/admin-api.md); anything else travels as a string.
            let parsed = body.withUnsafeBytes { try? JSONValue(parsing: $0) }
            json.nextKey("body"); json.value(parsed ?? .string(String(decoding: body, as: UTF8.self)))
        case .failed(let error):
            json.nextKey("error"); json.raw("{"); json.key("code"); json.string(error.code)
            json.nextKey("text"); json.string(error.text)
            json.nextKey("httpStatus"); json.integer(error.httpStatus); json.raw("}")
        }
    }

    /// Reads an answer from its message's members.
    static func read(_ fields: JSONFields) throws(JSONFieldError) -> CallControlAnswer {
        if fields.has("error") {
            let error = try fields.fields("error")
            return .failed(CallControlError(code: try error.string("code"), text: try error.string("text", default: ""),
                                            httpStatus: try error.int("httpStatus", default: 409)))
        }
        switch try fields.string("result") {
        case "done":
            return .done
        case "signedIn":
            let state = try fields.enumeration("state", AgentState.self)
            guard state != .credentials else { throw fields.error("state", "IDENTIFY, DEVICE or READY") }
            return .signedIn(SignIn(user: try User(json: try fields.value("user"), path: "\(fields.path).user"), state: state,
                                    identificators: try fields.array("identificators", default: []),
                                    identifier: try fields.optionalString("identifier"),
                                    snapshot: try fields.optionalSnapshot("snapshot")))
        case "executed":
            switch try fields.string("reply") {
            case "ok": return .executed(.ok)
            case "fields": return .executed(.fields(try fields.object("fields")))
            case "state":
                return .executed(.state(try AgentSnapshot(json: try fields.value("state"), path: "\(fields.path).state")))
            case "callHistory":
                let (calls, total) = try fields.history()
                return .executed(.callHistory(calls: calls, total: total))
            default:
                throw fields.error("reply", "ok, fields, state or callHistory")
            }
        case "snapshot":
            return .snapshot(try fields.optionalSnapshot("snapshot"))
        case "found":
            return .found(try fields.each("users") { value, path throws(JSONFieldError) -> String? in
                switch value {
                case .null: return nil
                case .string(let user): return user
                default: throw JSONFieldError(path: path, expected: "a string or null")
                }
            })
        case "party":
            guard fields.has("party") else { return .party(nil) }
            let party = try fields.fields("party")
            return .party(CallParty(party: try party.string("party"), alias: try party.string("alias")))
        case "callHistory":
            let (calls, total) = try fields.history()
            return .callHistory(calls: calls, total: total)
        case "summary":
            let agents = try fields.each("agents") { value, path throws(JSONFieldError) -> AgentSummary in
                let agent = try JSONFields(value, path: path)
                return AgentSummary(username: try agent.string("username"), state: try agent.enumeration("state", AgentState.self),
                                    status: try agent.enumeration("status", AgentStatus.self),
                                    reason: try agent.optionalString("reason"), call: try agent.optionalString("call"),
                                    busy: try agent.bool("busy", default: false))
            }
            return .summary(CallControlSummary(agents: agents, liveCalls: try fields.int("liveCalls", default: 0),
                                               waitingCallers: try fields.int("waitingCallers", default: 0)))
        case "admin":
            return .admin(status: try fields.int("status"), body: try fields.value("body").encoded())
        default:
            throw fields.error("result", "a kind of answer of this version")
        }
    }
}

extension JSONWriter {
    mutating func optionalSnapshot(_ snapshot: AgentSnapshot?) {
        if let snapshot { self.snapshot(snapshot) } else { raw("null") }
    }

    /// `,"calls":[…],"total":n`
    mutating func history(_ calls: [Call], total: Int) {
        nextKey("calls"); raw("[")
        for (index, call) in calls.enumerated() {
            if index > 0 { raw(",") }
            self.call(call)
        }
        raw("]")
        nextKey("total"); integer(total)
    }
}

extension JSONFields {
    func optionalSnapshot(_ key: String) throws(JSONFieldError) -> AgentSnapshot? {
        has(key) ? try AgentSnapshot(json: members[key]!, path: path.isEmpty ? key : "\(path).\(key)") : nil
    }

    /// `calls` and `total` (default: the number of calls).
    func history() throws(JSONFieldError) -> (calls: [Call], total: Int) {
        let calls = try each("calls") { value, path throws(JSONFieldError) in try Call(json: value, path: path) }
        return (calls, try int("total", default: calls.count))
    }
}
