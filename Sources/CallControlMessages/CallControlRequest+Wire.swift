import JSON
import AgentProtocol

/// Requests on the wire of the call-control protocol (docs/backend-protocol.md §12.3):
/// `{"type":"request","id":7,"request":"<name>",…}` with the members of each request after
/// `request`. A command travels as an agent protocol request's `method` and `params`
/// (`AgentCommand.params`), read back by the agent protocol's own rules (`AgentRequest.command`).
extension CallControlRequest {
    /// The `request` member.
    public var name: String {
        switch self {
        case .signIn: "signIn"
        case .signOut: "signOut"
        case .execute: "execute"
        case .snapshot: "snapshot"
        case .unreachable: "unreachable"
        case .setBusy: "setBusy"
        case .lookUp: "lookUp"
        case .party: "party"
        case .callHistory: "callHistory"
        case .summary: "summary"
        case .admin: "admin"
        }
    }

    /// Writes `,"request":…` and the request's members, in the documented order.
    func write(into json: inout JSONWriter) {
        json.nextKey("request"); json.string(name)
        switch self {
        case .signIn(let user, let identifiers):
            json.nextKey("user"); json.string(user)
            json.nextKey("identifiers"); json.value(.array(identifiers.map(JSONValue.string)))
        case .signOut(let user), .snapshot(let user), .unreachable(let user), .party(let user):
            json.nextKey("user"); json.string(user)
        case .execute(let user, let command):
            json.nextKey("user"); json.string(user)
            json.nextKey("method"); json.string(command.method.rawValue)
            json.nextKey("params"); json.object(command.params)
        case .setBusy(let user, let busy):
            json.nextKey("user"); json.string(user)
            json.nextKey("busy"); json.bool(busy)
        case .lookUp(let lookups):
            json.nextKey("lookups"); json.raw("[")
            for (index, lookup) in lookups.enumerated() {
                if index > 0 { json.raw(",") }
                let (kind, value): (StaticString, String) = switch lookup {
                case .named(let value): ("named", value)
                case .workplace(let value): ("workplace", value)
                case .line(let value): ("line", value)
                }
                json.raw(#"{"kind":""#); json.raw(kind); json.raw(#"","value":"#); json.string(value); json.raw("}")
            }
            json.raw("]")
        case .callHistory(let user, let query):
            json.nextKey("user"); json.string(user)
            json.nextKey("query"); json.raw("{"); json.key("filter"); json.optionalString(query.filter)
            json.nextKey("direction"); json.optionalString(query.direction?.rawValue)
            json.nextKey("limit"); json.integer(query.limit); json.raw("}")
        case .summary:
            break
        case .admin(let command):
            let request = command.request
            json.nextKey("method"); json.string(request.method)
            json.nextKey("path"); json.string(request.path)
            json.nextKey("query"); json.optionalString(request.query)
        }
    }

    /// Reads the request named `name` from its message's members. A request this version does
    /// not know, or whose members do not fit, is a `badRequest` the back end answers.
    static func read(_ name: String, _ fields: JSONFields, id: UInt64) throws(CallControlProtocolError) -> CallControlRequest {
        let result: Result<CallControlRequest, CallControlProtocolError>
        do throws(JSONFieldError) {
            result = try members(name, fields, id: id)
        } catch {
            throw .badRequest(id: id, code: "badRequest", text: error.description)
        }
        return try result.get()
    }

    private static func members(_ name: String, _ fields: JSONFields, id: UInt64) throws(JSONFieldError)
        -> Result<CallControlRequest, CallControlProtocolError> {
        switch name {
        case "signIn":
            let identifiers = try fields.each("identifiers", default: []) { value, path throws(JSONFieldError) in
                guard case .string(let identifier) = value else { throw JSONFieldError(path: path, expected: "a string") }
                return identifier
            }
            return .success(.signIn(user: try fields.string("user"), identifiers: identifiers))
        case "signOut": return .success(.signOut(user: try fields.string("user")))
        case "snapshot": return .success(.snapshot(user: try fields.string("user")))
        case "unreachable": return .success(.unreachable(user: try fields.string("user")))
        case "party": return .success(.party(user: try fields.string("user")))
        case "setBusy": return .success(.setBusy(user: try fields.string("user"), busy: try fields.bool("busy")))
        case "summary": return .success(.summary)
        case "execute":
            let user = try fields.string("user")
            return AgentRequest.command(method: try fields.string("method"), params: try fields.object("params", default: [:]))
                .map { .execute(user: user, command: $0) }
                .mapError { .badRequest(id: id, code: $0.code, text: $0.text) }
        case "callHistory":
            let user = try fields.string("user")
            guard case .success(.callHistory(let query)) = AgentRequest.command(
                method: "callHistory", params: try fields.object("query", default: [:])) else {
                throw fields.error("query", "a callHistory method's params")
            }
            return .success(.callHistory(user: user, query: query))
        case "lookUp":
            let lookups = try fields.each("lookups") { value, path throws(JSONFieldError) -> AgentLookup in
                let lookup = try JSONFields(value, path: path)
                let text = try lookup.string("value")
                switch try lookup.string("kind") {
                case "named": return .named(text)
                case "workplace": return .workplace(text)
                case "line": return .line(text)
                default: throw lookup.error("kind", "named, workplace or line")
                }
            }
            return .success(.lookUp(lookups))
        case "admin":
            return AdminCommand.parse(method: try fields.string("method"), path: try fields.string("path"),
                                      query: try fields.optionalString("query"))
                .map { .admin($0) }
                .mapError { .badRequest(id: id, code: "badRequest", text: "not an admin request of docs/admin-api.md (\($0.status))") }
        default:
            return .failure(.badRequest(id: id, code: "unknownRequest", text: "no request \(name) in this version"))
        }
    }
}
