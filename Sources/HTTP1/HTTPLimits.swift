/// Size limits for parsing HTTP/1.1 message heads and bodies: 414 for a request target longer
/// than we wish to parse (RFC 9112 §3), 431 for an oversized header section (RFC 6585 §5), 413 for
/// an oversized body (RFC 9110 §15.5.14).
///
/// Every limit is checked as soon as it is crossed, before the rest of the message arrives, so a
/// peer cannot make the parser buffer or scan more than the limit.
public struct HTTPLimits: Hashable, Sendable {
    /// The longest request line (or status line), without its CRLF. Default 8192 bytes.
    /// Crossing it fails with `HTTPError.startLineTooLong` (414, RFC 9112 §3).
    public var maxRequestLineBytes: Int
    /// The longest whole head: leading empty lines, start line, field lines and the blank line.
    /// Default 16384 bytes. Crossing it fails with `HTTPError.headTooLarge` (431, RFC 6585 §5).
    /// Also bounds the trailer section of a chunked body.
    public var maxHeaderBytes: Int
    /// The most field lines in a head (or trailer section). Default 100.
    /// Crossing it fails with `HTTPError.tooManyFields` (431, RFC 6585 §5).
    public var maxHeaderCount: Int
    /// The largest body: a `Content-Length` above it fails with `HTTPError.bodyTooLarge` (413,
    /// RFC 9110 §15.5.14), and so does a chunked body once its chunks add up past it.
    /// Default 1 MiB (1_048_576 bytes).
    public var maxBodyBytes: Int
    /// The longest chunk-size line of a chunked body, hex digits and chunk extensions together,
    /// without its CRLF (RFC 9112 §7.1.1: extensions are skipped, but not without bound).
    /// Default 4096 bytes. Crossing it fails with `HTTPError.chunkLineTooLong` (400).
    public var maxChunkLineBytes: Int

    public init(
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 16384,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1 << 20,
        maxChunkLineBytes: Int = 4096
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
