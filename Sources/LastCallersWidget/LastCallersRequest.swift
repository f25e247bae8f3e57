import HTTP1
import ClickToCall

/// The widget's request, `GET /lastcaller/?vcallerid=…&token=…` (docs/compatibility.md §5.4's
/// `index.html?vcallerid=$(callerId)&sfrequrl=<token>`, with Callgate's own token in `token`).
///
/// - `vcallerid` (required, may be empty): the caller id the desktop client substitutes. It is
///   normalised with `NumberPlan.classify`; `number` is nil when it is not an external number
///   (an internal extension, `anonymous`, empty), and the widget then shows nobody rather than
///   an error, since the client opens it for every call. A raw leading `+` stays a plus.
/// - `token` (required): a `WidgetToken`, checked by the gateway.
/// - `format`: `html` (default) or `json` (`LastCallersReply`).
/// - `_` is ignored; any other parameter is `unknownParameter`.
public struct LastCallersRequest: Hashable, Sendable {
    public enum Format: String, Hashable, Sendable {
        case html
        case json
    }

    /// The caller id as given.
    public var callerID: String
    /// `callerID` in E.164, or nil.
    public var number: String?
    public var token: String
    public var format: Format

    public static let parameters: Set<String> = ["vcallerid", "token", "format", "_"]

    public init(callerID: String, number: String?, token: String, format: Format) {
        self.callerID = callerID
        self.number = number
        self.token = token
        self.format = format
    }

    /// Errors are `ClickToCallError`s (400, or 401 `unauthorized(.missingCredential)` for a
    /// missing token), so the gateway answers them with the same machinery.
    public static func parse(query: String?, numbering: NumberPlan) -> Result<LastCallersRequest, ClickToCallError> {
        let parameters: StrictQuery
        switch StrictQuery.parse(query, allowed: Self.parameters) {
        case .success(let parsed): parameters = parsed
        case .failure(.unknown(let name)): return .failure(.unknownParameter(name))
        case .failure(.repeated(let name)): return .failure(.repeatedParameter(name))
        case .failure(.undecodable), .failure(.tooLong): return .failure(.undecodableQuery)
        }
        guard let callerID = parameters.phoneNumber("vcallerid") else { return .failure(.missingNumber(parameter: "vcallerid")) }
        guard let token = parameters.value("token"), !token.isEmpty else { return .failure(.unauthorized(.missingCredential)) }
        let format: Format
        switch parameters.value("format") {
        case nil: format = .html
        case let text?:
            guard let parsed = Format(rawValue: text) else { return .failure(.invalidParameter(name: "format", expected: "html or json")) }
            format = parsed
        }
        var number: String?
        if case .success(.external(let e164)) = numbering.classify(callerID) { number = e164 }
        return .success(LastCallersRequest(callerID: callerID, number: number, token: token, format: format))
    }
}
