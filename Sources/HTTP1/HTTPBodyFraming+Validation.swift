extension HTTPBodyFraming {
    /// Derives the body framing of a message from its fields, rejecting every ambiguity that
    /// could let two parsers disagree about where the message ends (RFC 9112 §6.3, §11.2).
    ///
    /// Checked in this order:
    /// - RFC 9112 §6.3 rule 3 / §11.2: `Transfer-Encoding` and `Content-Length` together → 400
    ///   (the RFC lets a server drop Content-Length and go on; we reject, as that shape is the
    ///   classic request-smuggling vector).
    /// - RFC 9112 §6.1: `Transfer-Encoding` in an HTTP/1.0 message → 400.
    /// - RFC 9112 §6.3 rule 4: the final coding must be `chunked` → else 400; `chunked` at most
    ///   once (§6.1) → else 400; any other coding before it → 501 (§6.1: we implement only
    ///   `chunked`, so `gzip, chunked` is "a transfer coding it does not understand").
    /// - RFC 9112 §6.3 rule 5: one `Content-Length` field line holding 1*DIGIT → else 400 (the
    ///   RFC allows identical repeated values; we reject them), not above `maxBodyBytes` → else 413.
    init(validating headers: HTTPHeaders, version: HTTPVersion, maxBodyBytes: Int) throws(HTTPError) {
        let contentLengthCount = headers.count(of: "Content-Length")
        let hasTransferEncoding = headers.count(of: "Transfer-Encoding") > 0
        if hasTransferEncoding {
            guard contentLengthCount == 0 else { throw .contentLengthWithTransferEncoding }
            guard version >= .http1_1 else { throw .transferEncodingInHTTP10 }
            let codings = headers.tokens(for: "Transfer-Encoding")
            guard let last = codings.last else { throw .invalidTransferEncoding }
            guard last == "chunked" else { throw .transferEncodingNotChunked }
            for coding in codings.dropLast() {
                if coding == "chunked" { throw .invalidTransferEncoding }
                throw .unsupportedTransferCoding(coding)
            }
            self = .chunked
            return
        }
        guard contentLengthCount > 0 else {
            self = .none
            return
        }
        guard contentLengthCount == 1, let value = headers["Content-Length"] else {
            throw .duplicateContentLength
        }
        guard !value.isEmpty else { throw .invalidContentLength }
        var length = 0
        for byte in value.utf8 {
            guard HTTPSyntax.isDigit(byte) else { throw .invalidContentLength }
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflow1, !overflow2 else { throw .invalidContentLength }
            length = sum
        }
        guard length <= maxBodyBytes else { throw .bodyTooLarge(limit: maxBodyBytes) }
        self = .contentLength(length)
    }
}
