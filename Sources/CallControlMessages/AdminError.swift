import JSON

/// Why an admin request was refused, with its HTTP status and a JSON body
/// `{"error":{"code":"…","text":"…"}}`.
public enum AdminError: Error, Hashable, Sendable {
    case notFound
    case methodNotAllowed(allowed: String)
    case badRequest(String)
    case unauthorized
    case refused(CallControlError)

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
