import HTTP1

/// A click-to-call request read as far as it can be without the number plan or the directory:
/// its dialect, its method, the names and escapes of its query (`StrictQuery`) and the API key
/// it carries. The gateway authenticates this (`dialect.authentication`, `apiKey`) and only
/// then reads the dial (`request(numbering:)`), so that a request without a valid credential is
/// answered the same whatever extension, user, workplace or line it names (issue 18;
/// docs/click-to-call.md §2): nothing in a refusal before authentication depends on a lookup.
public struct ClickToCallQuery: Sendable {
    public var dialect: ClickToCallDialect
    /// The `key=` parameter of the dialects that take one (`ClickToCallDialect.takesKeyParameter`),
    /// when present and non-empty. Not checked here; compare it in constant time.
    public var apiKey: String?
    var path: String
    var parameters: StrictQuery

    /// Reads the dialect from `path` (`notFound` when none), the method (`methodNotAllowed`
    /// unless GET) and the query's syntax (`unknownParameter`, `repeatedParameter`,
    /// `undecodableQuery`). `path` is the request target before `?` and `query` the raw text
    /// after it (`HTTPRequestHead.path`, `.query`).
    public static func parse(method: String, path: String, query: String?) -> Result<ClickToCallQuery, ClickToCallError> {
        guard let dialect = ClickToCallDialect(path: path, query: query) else { return .failure(.notFound) }
        guard method == "GET" else { return .failure(.methodNotAllowed(allowed: "GET")) }
        switch StrictQuery.parse(query, allowed: dialect.parameters) {
        case .success(let parameters):
            let apiKey = dialect.takesKeyParameter ? parameters.value("key").flatMap { $0.isEmpty ? nil : $0 } : nil
            return .success(ClickToCallQuery(dialect: dialect, apiKey: apiKey, path: path, parameters: parameters))
        case .failure(.unknown(let name)): return .failure(.unknownParameter(name))
        case .failure(.repeated(let name)): return .failure(.repeatedParameter(name))
        case .failure(.undecodable), .failure(.tooLong): return .failure(.undecodableQuery)
        }
    }

    /// The dial the request asks for, its numbers read with `numbering` (`ClickToCallRequest`).
    public func request(numbering: NumberPlan) -> Result<ClickToCallRequest, ClickToCallError> {
        ClickToCallRequest.dial(dialect, path: path, parameters, numbering).map {
            ClickToCallRequest(dialect: dialect, dial: $0, apiKey: apiKey)
        }
    }
}
