/// Every way an HTTP/1.1 message head or chunked body can break RFC 9112 (or a configured
/// `HTTPLimits` limit). `status` is the response a server sends before closing the connection;
/// for a response parsed by a client it only classifies the failure.
public enum HTTPError: Error, Hashable, Sendable {
    /// RFC 9112 §3: the request line (or status line) is longer than `maxRequestLineBytes`. 414.
    case startLineTooLong(limit: Int)
    /// RFC 6585 §5: the head did not end within `maxHeaderBytes`. 431.
    case headTooLarge(limit: Int)
    /// RFC 6585 §5: more than `maxHeaderCount` field lines. 431.
    case tooManyFields(limit: Int)
    /// RFC 9110 §15.5.14: the body is (or declares itself) longer than `maxBodyBytes`. 413.
    case bodyTooLarge(limit: Int)

    /// RFC 9112 §2.2: a CR not followed by LF. 400.
    case bareCR
    /// RFC 9112 §2.2: an LF not preceded by CR; only CRLF ends a line here. 400.
    case bareLF
    /// RFC 9112 §3: not `method SP request-target SP HTTP-version` with single spaces. 400.
    case invalidRequestLine
    /// RFC 9112 §3.1: the method is not a token. 400.
    case invalidMethod
    /// RFC 9112 §3.2: the request-target holds a byte outside visible US-ASCII. 400.
    case invalidTarget
    /// RFC 9112 §2.3: the version is not `HTTP/` DIGIT `.` DIGIT. 400.
    case invalidVersion
    /// RFC 9110 §15.6.6: a well-formed version other than HTTP/1.0 or HTTP/1.1. 505.
    case unsupportedVersion(HTTPVersion)
    /// RFC 9112 §4: not `HTTP-version SP status-code SP reason-phrase`. 400.
    case invalidStatusLine
    /// RFC 9110 §15: a status code outside 100–599. 400.
    case invalidStatusCode

    /// RFC 9112 §2.2: whitespace between the start line and the first field line. 400.
    case whitespaceBeforeFirstField
    /// RFC 9112 §5.2: a field line starting with SP or HTAB (obs-fold). 400.
    case obsoleteLineFolding
    /// RFC 9112 §5.1: a field name that is empty, not a token, or not followed by a colon. 400.
    case invalidFieldName
    /// RFC 9112 §5.1: whitespace between a field name and its colon. 400.
    case whitespaceBeforeColon
    /// RFC 9110 §5.5: NUL, DEL or a control character other than HTAB in a field value. 400.
    case invalidFieldValue

    /// RFC 9112 §3.2: an HTTP/1.1 request without a `Host` field. 400.
    case missingHost
    /// RFC 9112 §3.2: more than one `Host` field line. 400.
    case duplicateHost
    /// RFC 9112 §3.2 and RFC 9110 §7.2: a `Host` value that is not `uri-host [ ":" port ]`. 400.
    case invalidHost
    /// RFC 9112 §6.3 rule 5: a `Content-Length` that is not 1*DIGIT (a list, a sign, spaces
    /// inside, or a value that overflows). 400.
    case invalidContentLength
    /// RFC 9112 §6.3 rule 5: more than one `Content-Length` field line. 400.
    case duplicateContentLength
    /// RFC 9112 §6.3 rule 3 and §11.2: both `Content-Length` and `Transfer-Encoding`. 400.
    case contentLengthWithTransferEncoding
    /// RFC 9112 §6.1: `Transfer-Encoding` in an HTTP/1.0 message is faulty framing. 400.
    case transferEncodingInHTTP10
    /// RFC 9112 §6.3 rule 4: the final transfer coding is not `chunked`. 400.
    case transferEncodingNotChunked
    /// RFC 9112 §6.1: an empty `Transfer-Encoding`, or `chunked` applied more than once. 400.
    case invalidTransferEncoding
    /// RFC 9112 §6.1: a transfer coding before `chunked` that we do not implement (we implement
    /// only `chunked`). 501.
    case unsupportedTransferCoding(String)

    /// RFC 9112 §7.1: a chunk size that is not 1*HEXDIG, or that overflows. 400.
    case invalidChunkSize
    /// RFC 9112 §7.1.1: a chunk-size line (size and extensions) over `maxChunkLineBytes`. 400.
    case chunkLineTooLong(limit: Int)
    /// RFC 9112 §7.1.1: a control character inside a chunk extension. 400.
    case invalidChunkExtension
    /// RFC 9112 §7.1: chunk data not followed by CRLF. 400.
    case invalidChunkTerminator

    /// The status code to answer with.
    public var status: Int {
        switch self {
        case .startLineTooLong: return 414
        case .headTooLarge, .tooManyFields: return 431
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        case .unsupportedTransferCoding: return 501
        default: return 400
        }
    }

    /// A short description of the problem, for logs and for the one-line response body.
    public var reason: String {
        switch self {
        case .startLineTooLong(let limit): return "request line longer than \(limit) bytes"
        case .headTooLarge(let limit): return "header section larger than \(limit) bytes"
        case .tooManyFields(let limit): return "more than \(limit) header fields"
        case .bodyTooLarge(let limit): return "body larger than \(limit) bytes"
        case .bareCR: return "CR not followed by LF"
        case .bareLF: return "line ended by LF without CR"
        case .invalidRequestLine: return "malformed request line"
        case .invalidMethod: return "invalid method"
        case .invalidTarget: return "invalid request target"
        case .invalidVersion: return "malformed HTTP version"
        case .unsupportedVersion(let version): return "\(version) not supported"
        case .invalidStatusLine: return "malformed status line"
        case .invalidStatusCode: return "invalid status code"
        case .whitespaceBeforeFirstField: return "whitespace before the first header field"
        case .obsoleteLineFolding: return "obsolete line folding"
        case .invalidFieldName: return "invalid header field name"
        case .whitespaceBeforeColon: return "whitespace between header field name and colon"
        case .invalidFieldValue: return "control character in header field value"
        case .missingHost: return "missing Host"
        case .duplicateHost: return "more than one Host"
        case .invalidHost: return "invalid Host"
        case .invalidContentLength: return "invalid Content-Length"
        case .duplicateContentLength: return "more than one Content-Length"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 message"
        case .transferEncodingNotChunked: return "final transfer coding is not chunked"
        case .invalidTransferEncoding: return "invalid Transfer-Encoding"
        case .unsupportedTransferCoding(let coding): return "transfer coding \"\(coding)\" not implemented"
        case .invalidChunkSize: return "invalid chunk size"
        case .chunkLineTooLong(let limit): return "chunk size line longer than \(limit) bytes"
        case .invalidChunkExtension: return "invalid chunk extension"
        case .invalidChunkTerminator: return "chunk data not followed by CRLF"
        }
    }

    /// The complete response a server sends for this error before closing the connection:
    /// status line, `Content-Type: text/plain`, `Content-Length`, `Connection: close` and a
    /// one-line body naming the problem.
    public func response() -> [UInt8] {
        HTTPResponseHead.errorResponse(status: status, message: reason)
    }
}
