import HTTP1

extension AdminCommand {
    /// The admin API request that `parse` reads back into this command (docs/admin-api.md): the
    /// method, the path with its segments percent-encoded, and the query string (nil when
    /// none). The call-control protocol forwards admin commands so (docs/backend-protocol.md §12).
    public var request: (method: String, path: String, query: String?) {
        switch self {
        case .placeCall(let from, let target):
            let where_: String = switch target {
            case .queue(let id): "queue=\(id)"
            case .extension(let number): "extension=\(number)"
            case .user(let user): "user=\(QueryString.percentEncode(user))"
            }
            return ("POST", "\(Self.prefix)calls", "from=\(QueryString.percentEncode(from))&\(where_)")
        case .answer(let uniqueid):
            return ("POST", "\(Self.prefix)calls/\(QueryString.percentEncode(uniqueid))/answer", nil)
        case .hangup(let uniqueid):
            return ("POST", "\(Self.prefix)calls/\(QueryString.percentEncode(uniqueid))/hangup", nil)
        case .listCalls:
            return ("GET", "\(Self.prefix)calls", nil)
        case .listAgents:
            return ("GET", "\(Self.prefix)agents", nil)
        }
    }
}
