/// How the body that follows a head is delimited, RFC 9112 §6.3.
public enum HTTPBodyFraming: Hashable, Sendable {
    /// No body (§6.3 rule 7 for requests; rule 1 for 1xx, 204 and 304 responses and for
    /// responses to HEAD).
    case none
    /// Exactly this many bytes follow (§6.3 rule 6).
    case contentLength(Int)
    /// A chunked body follows (§6.3 rule 4); decode it with `HTTPChunkedDecoder`.
    case chunked
    /// Responses only: the body runs until the server closes the connection (§6.3 rule 8).
    case untilClose
}
