import HTTP1

/// Every way an RFC 6455 §4 opening handshake can fail, on either side.
///
/// Server-side cases (the client's request was not a valid upgrade) carry the status RFC 6455
/// §4.2.1 and §4.4 call for; `response()` is the complete reply to send before closing.
/// Client-side cases (the server's reply was not a valid 101, §4.1) map to 502 Bad Gateway,
/// the answer a gateway gives its own client when an upstream handshake fails.
public enum HandshakeError: Error, Hashable, Sendable {
    // MARK: Server side, RFC 6455 §4.2.1

    /// §4.2.1 item 1: the method is not GET. 405 with `Allow: GET` (RFC 9110 §15.5.6).
    case methodNotAllowed(String)
    /// §4.2.1 item 1: the request is older than HTTP/1.1. 400.
    case httpVersionTooLow(HTTPVersion)
    /// §4.2.1 item 2: no `Host`. 400.
    case missingHost
    /// §4.2.1 item 3: `Upgrade` does not list `websocket`. 400.
    case missingUpgradeWebSocket
    /// §4.2.1 item 4: `Connection` does not list `upgrade`. 400.
    case missingConnectionUpgrade
    /// §4.2.1 item 5: no `Sec-WebSocket-Key`. 400.
    case missingKey
    /// §4.2.1 item 5 / §11.3.1: `Sec-WebSocket-Key` more than once. 400.
    case duplicateKey
    /// §4.2.1 item 5: `Sec-WebSocket-Key` is not base64 of exactly 16 bytes. 400.
    case invalidKey
    /// §4.2.1 item 6 and §4.4: `Sec-WebSocket-Version` is missing, repeated or not `13` (the
    /// offending value, if any). 426 with `Sec-WebSocket-Version: 13`.
    case unsupportedVersion(String?)
    /// The upgrade request declares a body (RFC 9112 §6.3); after a 101 those bytes would be read
    /// as WebSocket frames, so it is refused. 400.
    case unexpectedBody

    // MARK: Client side, RFC 6455 §4.1

    /// §4.1: the status is not 101 (the caller may handle 3xx or 401 itself). 502.
    case unexpectedStatus(Int)
    /// §4.1: the 101's `Upgrade` is not `websocket`. 502.
    case responseMissingUpgradeWebSocket
    /// §4.1: the 101's `Connection` does not list `upgrade`. 502.
    case responseMissingConnectionUpgrade
    /// §4.1: `Sec-WebSocket-Accept` is missing, repeated or not the value for our key. 502.
    case invalidAccept
    /// §4.1: `Sec-WebSocket-Protocol` names a subprotocol we did not offer, or more than one. 502.
    case unexpectedSubprotocol(String)
    /// §4.1: `Sec-WebSocket-Extensions` is present although we offered none. 502.
    case unexpectedExtensions

    /// The status code of the error response.
    public var status: Int {
        switch self {
        case .methodNotAllowed: return 405
        case .unsupportedVersion: return 426
        case .httpVersionTooLow, .missingHost, .missingUpgradeWebSocket, .missingConnectionUpgrade,
             .missingKey, .duplicateKey, .invalidKey, .unexpectedBody:
            return 400
        case .unexpectedStatus, .responseMissingUpgradeWebSocket, .responseMissingConnectionUpgrade,
             .invalidAccept, .unexpectedSubprotocol, .unexpectedExtensions:
            return 502
        }
    }

    /// A short description of the problem, for logs and for the one-line response body.
    public var reason: String {
        switch self {
        case .methodNotAllowed(let method): return "WebSocket upgrade requires GET, not \(method)"
        case .httpVersionTooLow(let version): return "WebSocket upgrade requires HTTP/1.1 or higher, not \(version)"
        case .missingHost: return "missing Host"
        case .missingUpgradeWebSocket: return "missing Upgrade: websocket"
        case .missingConnectionUpgrade: return "missing Connection: Upgrade"
        case .missingKey: return "missing Sec-WebSocket-Key"
        case .duplicateKey: return "more than one Sec-WebSocket-Key"
        case .invalidKey: return "Sec-WebSocket-Key is not base64 of 16 bytes"
        case .unsupportedVersion(nil): return "missing Sec-WebSocket-Version, expected 13"
        case .unsupportedVersion(let version?): return "unsupported Sec-WebSocket-Version \(version), expected 13"
        case .unexpectedBody: return "WebSocket upgrade request with a body"
        case .unexpectedStatus(let status): return "upstream answered the upgrade with \(status)"
        case .responseMissingUpgradeWebSocket: return "upstream 101 without Upgrade: websocket"
        case .responseMissingConnectionUpgrade: return "upstream 101 without Connection: Upgrade"
        case .invalidAccept: return "upstream sent a wrong Sec-WebSocket-Accept"
        case .unexpectedSubprotocol(let value): return "upstream chose subprotocol \(value), which was not offered"
        case .unexpectedExtensions: return "upstream chose extensions, none were offered"
        }
    }

    /// The complete HTTP/1.1 error response: status line, `Content-Type: text/plain`,
    /// `Content-Length`, `Connection: close`, a one-line body naming the problem, plus
    /// `Allow: GET` for 405 and, for 426, `Sec-WebSocket-Version: 13` (RFC 6455 §4.4) with
    /// `Upgrade: websocket` and the `Upgrade` connection option (RFC 9110 §15.5.22 and §7.8).
    public func response() -> [UInt8] {
        switch self {
        case .methodNotAllowed:
            return HTTPResponseHead.errorResponse(status: status, message: reason, extraHeaders: [("Allow", "GET")])
        case .unsupportedVersion:
            return HTTPResponseHead.errorResponse(
                status: status, message: reason, connectionOptions: "Upgrade",
                extraHeaders: [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13")])
        default:
            return HTTPResponseHead.errorResponse(status: status, message: reason)
        }
    }
}
