import Routes

/// A request of the admin HTTP API (docs/admin-api.md), which drives the Switchboard's simulated
/// outside world for demos, tests and benchmarks. Parameters come in the query string; bodies
/// are not read.
///
/// | request | command |
/// |---|---|
/// | `POST /admin/calls?from=NUMBER&queue=ID` (or `extension=EXT`, or `user=NAME`) | `placeCall` |
/// | `POST /admin/calls/UNIQUEID/answer` | `answer`: the external party answers |
/// | `POST /admin/calls/UNIQUEID/hangup` | `hangup`: the external party hangs up |
/// | `GET /admin/calls` | `listCalls` |
/// | `GET /admin/agents` | `listAgents` |
public enum AdminCommand: Sendable, Hashable {
    case placeCall(from: String, to: CallTarget)
    case answer(uniqueid: String)
    case hangup(uniqueid: String)
    case listCalls
    case listAgents

    /// The path prefix of the API.
    public static let prefix = "/admin/"

    /// Parses a request; the error carries its HTTP status (404 unknown path, 405 wrong
    /// method, 400 bad parameters).
    public static func parse(method: String, path: String, query: String?) -> Result<AdminCommand, AdminError> {
        let segments = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let parameters = QueryString(query ?? "")
        switch segments.count {
        case 1 where segments[0] == "agents":
            return method == "GET" ? .success(.listAgents) : .failure(.methodNotAllowed(allowed: "GET"))
        case 1 where segments[0] == "calls":
            if method == "GET" { return .success(.listCalls) }
            guard method == "POST" else { return .failure(.methodNotAllowed(allowed: "GET, POST")) }
            return placeCall(parameters)
        case 3 where segments[0] == "calls" && !segments[1].isEmpty && ["answer", "hangup"].contains(segments[2]):
            guard method == "POST" else { return .failure(.methodNotAllowed(allowed: "POST")) }
            let uniqueid = QueryString.percentDecode(segments[1], plusAsSpace: false) ?? segments[1]
            return .success(segments[2] == "answer" ? .answer(uniqueid: uniqueid) : .hangup(uniqueid: uniqueid))
        default:
            return .failure(.notFound)
        }
    }

    private static func placeCall(_ parameters: QueryString) -> Result<AdminCommand, AdminError> {
        guard let from = parameters.value(named: "from"), !from.isEmpty else {
            return .failure(.badRequest("from (the external number) is required"))
        }
        var targets: [CallTarget] = []
        if let text = parameters.value(named: "queue") {
            guard let id = Int(text) else { return .failure(.badRequest("queue must be a queue id")) }
            targets.append(.queue(id))
        }
        if let text = parameters.value(named: "extension") {
            guard let number = Int(text) else { return .failure(.badRequest("extension must be digits")) }
            targets.append(.extension(number))
        }
        if let user = parameters.value(named: "user"), !user.isEmpty { targets.append(.user(user)) }
        guard targets.count == 1 else { return .failure(.badRequest("give exactly one of queue, extension, user")) }
        return .success(.placeCall(from: from, to: targets[0]))
    }
}

/// Why an admin request was refused, with its HTTP status and a JSON body
/// `{"error":{"code":"…","text":"…"}}`.
public enum AdminError: Error, Hashable, Sendable {
    case notFound
    case methodNotAllowed(allowed: String)
    case badRequest(String)
    case unauthorized
    case refused(SwitchboardError)

    public var status: Int {
        switch self {
        case .notFound: 404
        case .methodNotAllowed: 405
        case .badRequest: 400
        case .unauthorized: 401
        case .refused(let error): error.httpStatus
        }
    }

    public var body: [UInt8] {
        let (code, text): (String, String) = switch self {
        case .notFound: ("notFound", "no such admin resource")
        case .methodNotAllowed(let allowed): ("methodNotAllowed", "allowed: \(allowed)")
        case .badRequest(let reason): ("badRequest", reason)
        case .unauthorized: ("unauthorized", "the admin API needs Authorization: Bearer <admin.apiKey>")
        case .refused(let error): (error.code, error.text)
        }
        var json = JSONWriter()
        json.raw(#"{"error":{"code":"#); json.string(code)
        json.raw(#","text":"#); json.string(text)
        json.raw("}}")
        return json.bytes
    }
}

extension Switchboard {
    /// Carries out an admin command: the status and the JSON body of the response.
    /// `placeCall` → 201 `{"uniqueid":…,"call":{…}}`; `answer`, `hangup` → 200 `{"call":{…}}`;
    /// `listCalls` → `{"calls":[…]}`, each a Call object plus `dtmf` (the touch-tones sent into
    /// the call, `""` when none); `listAgents` → `{"agents":[{"username","state","status","reason","call"}]}`.
    public func perform(_ command: AdminCommand, now: Int64) -> (status: Int, body: [UInt8]) {
        var json = JSONWriter(capacity: 1024)
        do throws(SwitchboardError) {
            switch command {
            case .placeCall(let from, let target):
                let call = try placeInboundCall(from: from, to: target, now: now)
                json.raw(#"{"uniqueid":"#); json.string(call.uniqueid)
                json.raw(#","call":"#); json.call(call); json.raw("}")
                return (201, json.bytes)
            case .answer(let uniqueid), .hangup(let uniqueid):
                let call = if case .answer = command {
                    try remoteAnswer(uniqueid: uniqueid, now: now)
                } else {
                    try remoteHangup(uniqueid: uniqueid, now: now)
                }
                json.raw(#"{"call":"#); json.call(call); json.raw("}")
            case .listCalls:
                json.raw(#"{"calls":["#)
                for (index, record) in records.values.sorted(by: { $0.order < $1.order }).enumerated() {
                    if index > 0 { json.raw(",") }
                    json.adminCall(view(record, for: nil, now: clock), dtmf: record.dtmf)
                }
                json.raw("]}")
            case .listAgents:
                json.raw(#"{"agents":["#)
                for (index, agent) in agents.enumerated() {
                    if index > 0 { json.raw(",") }
                    json.raw(#"{"username":"#); json.string(agent.username)
                    json.raw(#","state":"#); json.string(agent.state.rawValue)
                    json.raw(#","status":"#); json.string(agent.status.rawValue)
                    json.raw(#","reason":"#); json.optionalString(agent.reason)
                    json.raw(#","call":"#); json.optionalString(agent.call)
                    json.raw("}")
                }
                json.raw("]}")
            }
            return (200, json.bytes)
        } catch {
            let refused = AdminError.refused(error)
            return (refused.status, refused.body)
        }
    }
}

extension JSONWriter {
    /// A call of the admin listing: the seeds/004 Call object with one more member at its end,
    /// `dtmf`. The Call object itself, as agents receive it, has no such member.
    mutating func adminCall(_ call: Call, dtmf: String) {
        var object = JSONWriter(capacity: 1024)
        object.call(call)
        raw(String(decoding: object.bytes.dropLast(), as: UTF8.self))
        raw(#","dtmf":"#)
        string(dtmf)
        raw("}")
    }
}
