/// Parses an HTTP/1.1 request head, RFC 9112 §2–§6, incrementally and strictly.
///
/// Pass every byte received so far for this request (the buffer always starts at the head and
/// only grows); `parse` returns nil until the blank line ending the head has arrived. When it
/// returns a head, `headLength` says how many bytes the head took, blank line included: the body
/// (see `HTTPRequestHead.bodyFraming`) or a pipelined next request starts there. The parser is
/// then ready for the next head, passed as a buffer starting at that next head.
///
/// After a thrown error, answer with `error.response()` and close the connection (RFC 9112 §11.2:
/// after a framing error the rest of the stream cannot be trusted); call `reset()` before reuse.
///
/// Rejected (status in parentheses): the `HTTPLimits` limits (414, 431, 413); bare CR or LF
/// (400); a malformed request line, method, target or version (400); versions other than 1.0
/// and 1.1 (505); whitespace before the first field line, obs-fold, whitespace before a colon,
/// invalid field names, controls in values (400); a missing (HTTP/1.1), repeated or malformed
/// `Host` (400); every ambiguous body framing (400, or 501 for a transfer coding other than
/// `chunked`). Not checked: the form of the request target, whether `Host` matches it, and fields
/// other than those above.
public struct HTTPRequestParser: HTTPHeadParsing, Sendable {
    private var engine: HTTPHeadParser

    /// The length of the head most recently returned by `parse`, blank line included.
    public private(set) var headLength = 0

    public var limits: HTTPLimits { engine.limits }

    public init(limits: HTTPLimits = HTTPLimits()) {
        engine = HTTPHeadParser(kind: .request, limits: limits)
    }

    /// Parses `buffer`, all bytes received so far for this head; nil while incomplete.
    public mutating func parse(_ buffer: UnsafeRawBufferPointer) throws(HTTPError) -> HTTPRequestHead? {
        guard let head = try engine.parse(buffer) else { return nil }
        guard case .request(let method, let target, let version) = head.startLine else {
            preconditionFailure("request engine produced a status line")
        }
        headLength = head.length
        return HTTPRequestHead(method: method, target: target, version: version, headers: head.headers)
    }

    /// Forgets any partial head.
    public mutating func reset() {
        engine.reset()
        headLength = 0
    }
}
