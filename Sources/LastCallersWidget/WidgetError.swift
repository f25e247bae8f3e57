import JSON
import AuthSchemes
import ClickToCall

/// A refusal of the last-callers widget (`/lastcaller/`) or its token endpoint
/// (`/lastcaller/tokengen/token`): the status, a stable code and a short English text, answered
/// as JSON (`json`, like the admin API and click-to-call's JSON dialect) or as an HTML page
/// (`LastCallersPage.error`).
///
///     {"error":{"code":"unauthorized","text":"credential expired"}}
///
/// | status | code | when |
/// |---|---|---|
/// | 400 | `LastCallersRequest` / `WidgetTokenRequest` codes (`missingNumber`, `invalidParameter`, …) | a bad query |
/// | 401 | `unauthorized` | a missing, forged, expired or other-scope token; wrong user name or password |
/// | 403 | `accountDisabled` | the password is right but the user is disabled |
/// | 403 | `insecureTransport` | a password over plain HTTP from another machine |
/// | 405 | `methodNotAllowed` | another method than GET (the widget: GET or HEAD) |
/// | 429 | `tooManyAttempts` | the login throttle blocks the user name or the client address |
public struct WidgetError: Error, Hashable, Sendable {
    public var status: Int
    public var code: String
    public var text: String

    public init(status: Int, code: String, text: String) {
        self.status = status
        self.code = code
        self.text = text
    }

    /// A query refused by `LastCallersRequest.parse` or `WidgetTokenRequest.parse`.
    public init(_ error: ClickToCallError) {
        switch error {
        case .missingNumber(let parameter):
            // Click-to-call's text speaks of the number to call; here it is the caller's.
            self.init(status: error.status, code: error.code, text: "\(parameter) is required: the caller's number")
        default:
            self.init(status: error.status, code: error.code, text: error.reason)
        }
    }

    /// A credential refused (never echoes it).
    public static func unauthorized(_ error: AuthError) -> WidgetError {
        WidgetError(status: 401, code: "unauthorized", text: error.reason)
    }

    /// A widget token whose user is no longer in the directory, or is disabled.
    public static let userDisabled = WidgetError(status: 401, code: "unauthorized", text: "the token's user is disabled or unknown")

    public static let accountDisabled = WidgetError(status: 403, code: "accountDisabled", text: "this user is disabled")

    /// RFC 7617 §4: Basic sends the password in the clear, so only over TLS (or on loopback).
    public static let insecureTransport = WidgetError(status: 403, code: "insecureTransport",
                                                      text: "send passwords over https")

    public static let tooManyAttempts = WidgetError(status: 429, code: "tooManyAttempts",
                                                    text: "too many failed logins: try again later")

    public static func methodNotAllowed(_ allowed: String) -> WidgetError {
        WidgetError(status: 405, code: "methodNotAllowed", text: "method not allowed; use \(allowed)")
    }

    public var json: [UInt8] {
        var json = JSONWriter(capacity: 64 + text.utf8.count)
        json.raw(#"{"error":{"code":"#); json.string(code)
        json.raw(#","text":"#); json.string(text)
        json.raw("}}")
        return json.bytes
    }
}
