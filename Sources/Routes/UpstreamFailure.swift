import WSFraming

/// Why a pipe's upstream did not open, and how the gateway answers the browser for it.
///
/// On a route whose upstream is connected before the browser's upgrade is answered
/// (docs/config.md, "Upstream first"), each failure is an HTTP status instead of a 101, so a
/// client never sees a WebSocket open that its back end refused: the status of a gateway whose
/// upstream failed (RFC 9110 §15.6.3 502, §15.6.4 503, §15.6.5 504), as nginx answers. After
/// the 101 (a session that authenticated with its first message) the same failures close the
/// browser with 1014 (`RelayClose.towardsBrowser(nil)`). docs/style.md §7: one mapping, here.
public enum UpstreamFailure: Error, Sendable, Equatable {
    /// The back end answered, but not with a valid 101: another status (403, 404, 500, …), a
    /// wrong accept value, a subprotocol it was not offered, a TLS handshake that failed, or
    /// the connection closed mid-handshake. 502 Bad Gateway.
    case refused(String)
    /// The TCP connect failed (nothing listens, no route): 503 Service Unavailable with
    /// `Retry-After` (RFC 9110 §10.2.3).
    case unreachable(String)
    /// The connect, TLS or upgrade did not finish within the route's
    /// `connectTimeoutMilliseconds`. 504 Gateway Timeout.
    case timedOut

    public var httpStatus: Int {
        switch self {
        case .refused: 502
        case .unreachable: 503
        case .timedOut: 504
        }
    }

    /// The event counted in `callgate_route_events_total` and logged.
    public var event: String {
        switch self {
        case .refused: "upstream_refused"
        case .unreachable: "upstream_unreachable"
        case .timedOut: "upstream_timeout"
        }
    }

    /// One line for logs and the response body.
    public var reason: String {
        switch self {
        case .refused(let detail): "back end refused the upgrade: \(detail)"
        case .unreachable(let detail): "back end unreachable: \(detail)"
        case .timedOut: "back end did not answer the upgrade in time"
        }
    }

    /// Header fields of the HTTP answer: `Retry-After` (delay-seconds) for 503 only, the one
    /// status whose cause is expected to pass.
    public func responseHeaders(retryAfterSeconds: Int) -> [(String, String)] {
        guard case .unreachable = self else { return [] }
        return [("Retry-After", String(retryAfterSeconds))]
    }

    /// The close a browser gets for the same failure after its 101.
    public var closeAfterUpgrade: ClosePayload { RelayClose.towardsBrowser(nil) }
}
