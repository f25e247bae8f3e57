/// Bounds on what the SIP parser reads (docs/config.md, `sip`). The header limits are checked
/// while the head is scanned, so no message makes the parser look at more than
/// `maxHeaders × maxHeaderBytes` bytes of head; the body is never scanned.
public struct SIPLimits: Hashable, Sendable {
    /// The largest message, head and body. A request past it is answered 513 Message Too Large
    /// (RFC 3261 §21.5.14). Default 65535 bytes, the largest UDP datagram, which every SIP
    /// server accepts.
    public var maxMessageBytes: Int
    /// The most header fields in one message (a folded field counts once). Default 100.
    public var maxHeaders: Int
    /// The longest header field, its folded lines together, and the longest start line.
    /// Default 8192 bytes.
    public var maxHeaderBytes: Int

    public init(maxMessageBytes: Int = 65_535, maxHeaders: Int = 100, maxHeaderBytes: Int = 8_192) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaders = maxHeaders
        self.maxHeaderBytes = maxHeaderBytes
    }
}
