import JSON

/// The token page's answer (`200 application/json`): the widget token, when it stops being
/// valid (Unix seconds) and whose it is.
///
///     {"token":"v1.…","expires":1731234567,"user":"alice"}
public struct WidgetTokenReply: Hashable, Sendable {
    public var token: String
    public var expires: Int64
    public var user: String

    public init(token: String, expires: Int64, user: String) {
        self.token = token
        self.expires = expires
        self.user = user
    }

    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 64 + token.utf8.count + user.utf8.count)
        json.raw(#"{"token":"#); json.string(token)
        json.raw(#","expires":"#); json.integer(expires)
        json.raw(#","user":"#); json.string(user)
        json.raw("}")
        return json.bytes
    }
}
