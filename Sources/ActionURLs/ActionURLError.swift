import AuthSchemes
import ClickToCall

/// Why a device Action URL (`GET /action?action=…`, docs/compatibility.md §4.2) was refused, with its HTTP
/// status. Parse errors are 400 and name the parameter; the gateway's own outcomes are here too,
/// so the status is decided in one place.
///
/// | case | status |
/// |---|---|
/// | `missingParameter`, `unknownParameter`, `repeatedParameter`, `invalidValue`, `conflictingDirection`, `undecodableQuery` | 400 |
/// | `unauthorized(AuthError)` | 401 |
/// | `unknownDevice` (no agent bound to `local_party`) | 404 |
/// | `backendFailed` (the call-control back end could not say whose phone it is) | 503 |
///
/// A phone ignores the body; the gateway answers one line of text (`reason`), and 204 with no
/// body on success.
public enum ActionURLError: Error, Equatable, Sendable {
    case missingParameter(String)
    case unknownParameter(String)
    case repeatedParameter(String)
    /// A value that breaks its parameter's rule; `expected` describes the rule.
    case invalidValue(name: String, expected: String)
    /// `call_direction` and `call_direction_as_int` disagree, or disagree with `inbound`/`outbound`.
    case conflictingDirection
    /// A bad `%`-escape, invalid UTF-8, or a query over `StrictQuery.maxBytes`.
    case undecodableQuery
    case unauthorized(AuthError)
    /// `local_party` is bound to no agent (the phone is not on the device map).
    case unknownDevice
    /// The call-control back end could not be asked whose phone it is; the text says why.
    case backendFailed(String)

    public var status: Int {
        switch self {
        case .unauthorized: 401
        case .unknownDevice: 404
        case .backendFailed: 503
        case .missingParameter, .unknownParameter, .repeatedParameter, .invalidValue, .conflictingDirection, .undecodableQuery: 400
        }
    }

    public var reason: String {
        switch self {
        case .missingParameter(let name): "\(name) is required"
        case .unknownParameter(let name): "unknown parameter \(ClickToCallError.printable(name))"
        case .repeatedParameter(let name): "parameter \(ClickToCallError.printable(name)) is given more than once"
        case .invalidValue(let name, let expected): "\(name) must be \(expected)"
        case .conflictingDirection: "call_direction, call_direction_as_int and action disagree"
        case .undecodableQuery: "the query string has an invalid %-escape, is not UTF-8, or is too long"
        case .unauthorized(let error): error.reason
        case .unknownDevice: "no agent is bound to this local_party"
        case .backendFailed(let text): "the call-control back end failed: \(text)"
        }
    }
}
