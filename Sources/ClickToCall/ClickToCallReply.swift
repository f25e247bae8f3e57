import JSON

/// The HTTP answer to a click-to-call request, in its dialect's style. The source documents show only the
/// requests, so the bodies are Callgate's (docs/click-to-call.md, "Replies"):
///
/// - **JSON** (`oktellServer`, called by servers and scripts), like the admin API:
///   `{"result":"ok","number":"+74952294989","direction":"city","sequence":"back","uniqueid":"…"}`
///   (`uniqueid` null when the back end has not named the call yet) and
///   `{"error":{"code":"invalidNumber","text":"…"}}`.
/// - **One line of text** (`oktellClient`, `mia`, `yealink`, `snom`, and requests whose dialect
///   is unknown), for browsers, browser extensions and phone tools that look at the status:
///   `OK +74952294989\n` and `ERROR invalidNumber the number cannot be dialled: …\n`.
///
/// Every reply has `Cache-Control: no-store` (a click must not be answered from a cache) and
/// `X-Content-Type-Options: nosniff`; 405 adds `Allow`; 401 adds
/// `WWW-Authenticate: Bearer realm="callgate"` (RFC 9110 §11.6.1 requires a challenge).
public struct ClickToCallReply: Hashable, Sendable {
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var status: Int
    public var contentType: String
    /// Header fields besides `Content-Type` and `Content-Length`, in order.
    public var headers: [Field]
    public var body: [UInt8]

    static let json = "application/json"
    static let text = "text/plain; charset=utf-8"

    public init(status: Int, contentType: String, headers: [Field], body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// The header fields as pairs, for `Connection.respond(…extraHeaders:)`.
    public var headerPairs: [(String, String)] { headers.map { ($0.name, $0.value) } }

    /// 200: the dial was accepted by the agent's phone, session or back end. `uniqueid` is the
    /// call's id when known.
    public static func success(_ request: ClickToCallRequest, uniqueid: String? = nil) -> ClickToCallReply {
        let dial = request.dial
        guard request.dialect.repliesInJSON else {
            return ClickToCallReply(status: 200, contentType: text, headers: common, body: Array("OK \(dial.number)\n".utf8))
        }
        var json = JSONWriter()
        json.raw(#"{"result":"ok","number":"#); json.string(dial.number)
        json.raw(#","direction":"#); json.string(dial.direction.rawValue)
        json.raw(#","sequence":"#); json.string(dial.sequence.rawValue)
        json.raw(#","uniqueid":"#); json.optionalString(uniqueid)
        json.raw("}")
        return ClickToCallReply(status: 200, contentType: Self.json, headers: common, body: json.bytes)
    }

    /// The refusal for `error`, in `dialect`'s style (text when the dialect is unknown).
    public static func failure(_ error: ClickToCallError, dialect: ClickToCallDialect?) -> ClickToCallReply {
        var headers = common
        if case .methodNotAllowed(let allowed) = error { headers.append(Field("Allow", allowed)) }
        if case .unauthorized = error { headers.append(Field("WWW-Authenticate", #"Bearer realm="callgate""#)) }
        guard dialect?.repliesInJSON == true else {
            return ClickToCallReply(status: error.status, contentType: text, headers: headers,
                                    body: Array("ERROR \(error.code) \(error.reason)\n".utf8))
        }
        var json = JSONWriter()
        json.raw(#"{"error":{"code":"#); json.string(error.code)
        json.raw(#","text":"#); json.string(error.reason)
        json.raw("}}")
        return ClickToCallReply(status: error.status, contentType: Self.json, headers: headers, body: json.bytes)
    }

    private static let common = [Field("Cache-Control", "no-store"), Field("X-Content-Type-Options", "nosniff")]
}
