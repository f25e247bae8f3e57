import HTTP1

/// A complete HTTP response for `Connection` to queue: its head, its body, whether the
/// connection stays open after it, and whether only the head is sent (HEAD, RFC 9110 §9.3.2).
struct HTTPAnswer: Sendable {
    var head: HTTPResponseHead
    var body: [UInt8]
    var keepAlive: Bool
    var headOnly: Bool

    /// A response whose head the caller built whole, framing and caching fields included
    /// (static files set their own `Cache-Control`, and a 304 has no `Content-Length`).
    init(head: HTTPResponseHead, body: [UInt8], keepAlive: Bool, headOnly: Bool) {
        self.head = head
        self.body = body
        self.keepAlive = keepAlive
        self.headOnly = headOnly
    }

    /// A response that must not be stored by caches (`Cache-Control: no-store`), with its
    /// `Content-Type` and `Content-Length`.
    init(status: Int, body: [UInt8], keepAlive: Bool, contentType: String, extraHeaders: [(String, String)] = [],
         headOnly: Bool = false) {
        var response = HTTPResponseHead(status: status)
        response.headers.add(name: "Content-Type", value: contentType)
        response.headers.add(name: "Content-Length", value: String(body.count))
        response.headers.add(name: "Cache-Control", value: "no-store")
        for (name, value) in extraHeaders { response.headers.add(name: name, value: value) }
        self.init(head: response, body: body, keepAlive: keepAlive, headOnly: headOnly)
    }

    /// The same with a text body, `text/plain` unless said otherwise: health, metrics, errors.
    init(status: Int, text: String, keepAlive: Bool, contentType: String = "text/plain; charset=utf-8",
         extraHeaders: [(String, String)] = [], headOnly: Bool = false) {
        self.init(status: status, body: Array(text.utf8), keepAlive: keepAlive, contentType: contentType,
                  extraHeaders: extraHeaders, headOnly: headOnly)
    }

    /// A draining gateway's answer to an upgrade or a request it will not start (docs/deploy.md §5).
    static var shuttingDown: HTTPAnswer {
        HTTPAnswer(status: 503, text: "shutting down\n", keepAlive: false, extraHeaders: [("Retry-After", "1")])
    }

    var status: Int { head.status }

    /// The body as text (tests, logs).
    var text: String { String(decoding: body, as: UTF8.self) }
}
