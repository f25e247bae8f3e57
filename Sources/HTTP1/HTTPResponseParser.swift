/// Parses an HTTP/1.1 response head on the client side, RFC 9112 §4–§6, with the same engine,
/// limits and strictness as `HTTPRequestParser` (no `Host` rule; leading empty lines are not
/// skipped; the status line counts against `maxRequestLineBytes`).
///
/// Pass every byte received so far for this response; `parse` returns nil until the head is
/// complete, then sets `headLength`: the body, or the first WebSocket frame after a 101, starts
/// there. Status codes in the errors are only a classification on this side. A `Content-Length`
/// above `maxBodyBytes` is rejected (413) except on 1xx, 204 and 304, including on a response to
/// HEAD, which the parser cannot know about.
public struct HTTPResponseParser: HTTPHeadParsing, Sendable {
    private var engine: HTTPHeadParser

    /// The length of the head most recently returned by `parse`, blank line included.
    public private(set) var headLength = 0

    public var limits: HTTPLimits { engine.limits }

    public init(limits: HTTPLimits = HTTPLimits()) {
        engine = HTTPHeadParser(kind: .response, limits: limits)
    }

    /// Parses `buffer`, all bytes received so far for this head; nil while incomplete.
    public mutating func parse(_ buffer: UnsafeRawBufferPointer) throws(HTTPError) -> HTTPResponseHead? {
        guard let head = try engine.parse(buffer) else { return nil }
        guard case .response(let version, let status, let reason) = head.startLine else {
            preconditionFailure("response engine produced a request line")
        }
        headLength = head.length
        return HTTPResponseHead(status: status, reason: reason, version: version, headers: head.headers)
    }

    /// Forgets any partial head.
    public mutating func reset() {
        engine.reset()
        headLength = 0
    }
}
