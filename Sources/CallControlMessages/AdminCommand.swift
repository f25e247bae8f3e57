import HTTP1

/// A request of the admin HTTP API (docs/admin-api.md), which drives the call-control back end's
/// simulated outside world (the embedded Switchboard's) for demos, tests and benchmarks.
/// Parameters come in the query string; bodies are not read.
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
