/// A request whose start line and core header fields follow RFC 3261 §7.1, §8.1.1 and §25.1.
///
/// ```
/// Request-Line = Method SP Request-URI SP SIP-Version CRLF
/// ```
/// Checked, in this order (each failure is a `SIPParseError` with the status to answer):
/// the size (513), the request line with single spaces (RFC 4475 `lwsstart`, `trws`), the
/// version (505 for SIP/x.y other than 2.0, `badvers`), the Request-URI (`ltgtruri`,
/// `lwsruri`; a SIP URI with `?headers` is refused, `escruri`), then `SIPCommonHeaders`, then
/// that CSeq names the request's method (`mismatch01`, `mismatch02`).
///
/// Not checked (a relay forwards them to the SIP server, which decides): Max-Forwards reaching 0,
/// Require/Proxy-Require, the body's type, Date, Expires, and header fields it does not read.
/// Max-Forwards may be absent (RFC 4475 §3.4, `inv2543`).
public struct SIPRequest: Sendable {
    public var method: String
    public var requestURI: SIPURI
    public var headers: SIPCommonHeaders
    public let message: SIPMessage

    public init(_ message: SIPMessage, limits: SIPLimits) throws(SIPParseError) {
        precondition(!message.isResponse, "a response is read by SIPResponse")
        if message.bytes.count > limits.maxMessageBytes { throw .messageTooLarge(limit: limits.maxMessageBytes) }
        let parts = message.startLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidRequestLine("\(message.startLine) is not Method SP Request-URI SP SIP-Version")
        }
        guard SIPSyntax.isToken(parts[0]) else { throw .invalidRequestLine("the method \(parts[0]) is not a token") }
        try SIPRequest.checkVersion(String(parts[2]))
        let uri: SIPURI
        do {
            uri = try SIPURI(parsing: String(parts[1]))
        } catch {
            throw .invalidRequestLine("Request-URI: \(error.detail)")
        }
        if uri.isSIP && uri.headers != nil {
            // RFC 3261 §19.1.1 table 1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
            throw .invalidRequestLine("a Request-URI with headers")
        }
        method = String(parts[0])
        requestURI = uri
        headers = try SIPCommonHeaders(message, limits: limits)
        guard headers.cseq.method == method else { throw .methodMismatch(requestLine: method, cseq: headers.cseq.method) }
        self.message = message
    }

    /// `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT`; only 2.0 is supported.
    static func checkVersion(_ version: String) throws(SIPParseError) {
        let upper = version.uppercased()
        guard upper.hasPrefix("SIP/") else { throw .invalidRequestLine("\(version) is not a SIP version") }
        let numbers = upper.dropFirst(4).split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 2, numbers.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(SIPSyntax.isDigit) }) else {
            throw .invalidRequestLine("\(version) is not a SIP version")
        }
        guard upper == "SIP/2.0" else { throw .unsupportedVersion(version) }
    }

    /// Whether the request is inside a dialog: its To has a tag (RFC 3261 §12.2).
    public var isInDialog: Bool { headers.to.tag != nil }
}
