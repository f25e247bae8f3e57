import HTTP1
import ClickToCall

/// The token page's request, `GET /lastcaller/tokengen/token?days=N` (docs/compatibility.md §5.3's
/// "Tokengenerator"), whose credentials come in the `Authorization` field (RFC 7617 Basic, or a
/// Callgate session token as Bearer), never in the query.
///
/// - `days` (optional): the token's validity in whole days, 1…`maxDays` (366, as
///   `WidgetToken.maxLifetimeSeconds`), plain decimal digits without a sign or leading zeros.
///   Absent: the gateway's default (`lastCallers.tokenSeconds`, 90 days unless configured).
/// - `_` is ignored; any other parameter is `unknownParameter` (a `password=` in a URL would end
///   up in logs and browser history: refused rather than ignored).
public struct WidgetTokenRequest: Hashable, Sendable {
    public static let maxDays = Int(WidgetToken.maxLifetimeSeconds / 86_400)
    public static let parameters: Set<String> = ["days", "_"]

    /// Nil: the default lifetime.
    public var days: Int?

    public init(days: Int?) {
        self.days = days
    }

    /// The lifetime in seconds: `days` × 86 400, or `defaultSeconds`.
    public func lifetimeSeconds(default defaultSeconds: Int64) -> Int64 {
        days.map { Int64($0) * 86_400 } ?? defaultSeconds
    }

    public static func parse(query: String?) -> Result<WidgetTokenRequest, ClickToCallError> {
        let parameters: StrictQuery
        switch StrictQuery.parse(query, allowed: Self.parameters) {
        case .success(let parsed): parameters = parsed
        case .failure(.unknown(let name)): return .failure(.unknownParameter(name))
        case .failure(.repeated(let name)): return .failure(.repeatedParameter(name))
        case .failure(.undecodable), .failure(.tooLong): return .failure(.undecodableQuery)
        }
        guard let text = parameters.value("days") else { return .success(WidgetTokenRequest(days: nil)) }
        let bytes = Array(text.utf8)
        guard (1...3).contains(bytes.count), bytes.first != UInt8(ascii: "0"),
              bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let days = Int(text), (1...maxDays).contains(days) else {
            return .failure(.invalidParameter(name: "days", expected: "a whole number of days from 1 to \(maxDays)"))
        }
        return .success(WidgetTokenRequest(days: days))
    }
}
