/// Every way a SIP message can fail to parse, in two groups.
///
/// The head could not be read (`isUnreadable`): there are no header fields to build a response
/// from, so the message can only be refused by the transport. The head could be read but the
/// message breaks RFC 3261: a request gets the response `status` (400, 505 or 513, built by
/// `SIPResponseBuilder` from the fields that could be read); a response is discarded (§16.7
/// step 1, §18.1.2). docs/style.md §7: the statuses are mapped here, in one place.
public enum SIPParseError: Error, Hashable, Sendable {
    // MARK: unreadable heads

    /// No start line: the message is empty, or nothing but CRLFs (RFC 3261 §7.5).
    case empty
    /// RFC 3261 §7: lines end with CRLF; a bare CR or LF was found in the head.
    case bareLineBreak
    /// RFC 3261 §7: the header fields must be followed by an empty line.
    case headNotTerminated
    /// RFC 3261 §7.3.1: a continuation line (leading SP or HTAB) with no header field before it.
    case foldWithoutField
    /// RFC 3261 §7.3.1: `field-name HCOLON field-value`; no colon on this header line.
    case missingColon
    /// RFC 3261 §25.1: a header field name must be a token.
    case invalidFieldName
    /// RFC 3261 §25.1: the head is UTF-8 (TEXT-UTF8); these bytes are not.
    case notUTF8
    /// More header fields than `SIPLimits.maxHeaders`.
    case tooManyHeaders(limit: Int)
    /// A header field (with its folded lines) or the start line longer than `SIPLimits.maxHeaderBytes`.
    case headerTooLong(limit: Int)

    // MARK: readable heads that break the rules

    /// RFC 3261 §7.1: `Method SP Request-URI SP SIP-Version CRLF`, single spaces, nothing else.
    case invalidRequestLine(String)
    /// RFC 3261 §7.2: `SIP-Version SP Status-Code SP Reason-Phrase CRLF`, status 100–699.
    case invalidStatusLine(String)
    /// RFC 3261 §8.2.1 and §21.5.18: a well-formed version other than SIP/2.0. 505.
    case unsupportedVersion(String)
    /// RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory.
    case missingHeader(String)
    /// RFC 3261 §7.3.1, §20: a header field that may appear once appears again (RFC 4475 §3.1.2.11,
    /// §3.4.3 `multi01`, `mcl01`).
    case duplicateHeader(String)
    /// The value of the named header field breaks its grammar (RFC 3261 §25.1).
    case invalidHeader(String, String)
    /// RFC 3261 §8.1.1.5: the CSeq method must be the request's method (RFC 4475 `mismatch01`).
    case methodMismatch(requestLine: String, cseq: String)
    /// RFC 3261 §20.14: Content-Length says more than the message holds (RFC 4475 `clerr`).
    case contentLengthExceedsBody(declared: Int, actual: Int)
    /// RFC 7118 §5: one SIP message per WebSocket message; bytes follow the declared body.
    case bytesAfterBody(declared: Int, actual: Int)
    /// RFC 3261 §21.5.14: the message is larger than `SIPLimits.maxMessageBytes`. 513.
    case messageTooLarge(limit: Int)

    /// True when not even the header fields could be read: no response can be built.
    public var isUnreadable: Bool {
        switch self {
        case .empty, .bareLineBreak, .headNotTerminated, .foldWithoutField, .missingColon, .invalidFieldName,
             .notUTF8, .tooManyHeaders, .headerTooLong:
            true
        default:
            false
        }
    }

    /// Whether a size limit was crossed (a transport answers those as "too big").
    public var isSizeLimit: Bool {
        switch self {
        case .tooManyHeaders, .headerTooLong, .messageTooLarge: true
        default: false
        }
    }

    /// The status a request with this error is answered with.
    public var status: SIPStatus {
        switch self {
        case .unsupportedVersion: .versionNotSupported
        case .messageTooLarge: .messageTooLarge
        default: .badRequest
        }
    }

    /// A short description, for logs and the `Warning` of the response.
    public var reason: String {
        switch self {
        case .empty: "no start line"
        case .bareLineBreak: "a line not ended by CRLF"
        case .headNotTerminated: "the header fields are not followed by an empty line"
        case .foldWithoutField: "a continuation line before any header field"
        case .missingColon: "a header line without a colon"
        case .invalidFieldName: "a header field name that is not a token"
        case .notUTF8: "the head is not UTF-8"
        case .tooManyHeaders(let limit): "more than \(limit) header fields"
        case .headerTooLong(let limit): "a header field or start line longer than \(limit) bytes"
        case .invalidRequestLine(let detail): "invalid request line: \(detail)"
        case .invalidStatusLine(let detail): "invalid status line: \(detail)"
        case .unsupportedVersion(let version): "unsupported version \(version)"
        case .missingHeader(let name): "no \(name) header field"
        case .duplicateHeader(let name): "more than one \(name) header field"
        case .invalidHeader(let name, let detail): "invalid \(name): \(detail)"
        case .methodMismatch(let line, let cseq): "CSeq method \(cseq) is not the request's method \(line)"
        case .contentLengthExceedsBody(let declared, let actual): "Content-Length \(declared) but a body of \(actual) bytes"
        case .bytesAfterBody(let declared, let actual): "Content-Length \(declared) but \(actual) bytes follow the head (one message per WebSocket message)"
        case .messageTooLarge(let limit): "message larger than \(limit) bytes"
        }
    }
}
