/// The one incremental engine behind `HTTPRequestParser` and `HTTPResponseParser`, RFC 9112 §2–§6.
///
/// The caller passes every byte received so far for the current head, each time with more at the
/// end. The engine remembers where the unfinished line starts and how far it has looked for LF,
/// so each byte is examined for LF once and validated once: the total cost is linear in the head.
/// Limits are checked on the partial line and the partial head, so an endless start line or
/// header section fails as soon as it crosses the limit, before any blank line arrives. The
/// answer never depends on how the bytes were split: each check fails exactly where a reader
/// given one byte at a time would fail (so the start-line limit comes before the line ending is
/// judged). The `http-request` and `http-response` fuzz targets check this (docs/fuzzing.md).
///
/// Only CRLF ends a line (RFC 9112 §2.2 allows a recipient to accept bare LF; we do not,
/// anywhere). Field values are decoded as UTF-8; obs-text that is not valid UTF-8 is replaced by
/// U+FFFD in the `String` (the head itself is still accepted, RFC 9110 §5.5).
struct HTTPHeadParser: Sendable {
    enum Kind: Sendable {
        case request
        case response
    }

    enum StartLine: Sendable {
        case request(method: String, target: String, version: HTTPVersion)
        case response(version: HTTPVersion, status: Int, reason: String)
    }

    struct Head: Sendable {
        var startLine: StartLine
        var headers: HTTPHeaders
        /// Bytes from the start of the buffer to just after the blank line.
        var length: Int
    }

    let kind: Kind
    let limits: HTTPLimits
    /// Offset of the first byte of the line not yet complete.
    private(set) var lineStart = 0
    /// Offset of the first byte not yet examined for LF.
    private(set) var scanOffset = 0
    private var startLine: StartLine?
    private var headers = HTTPHeaders()

    init(kind: Kind, limits: HTTPLimits) {
        self.kind = kind
        self.limits = limits
    }

    /// Forgets any partial head, ready for a new one.
    mutating func reset() {
        self = HTTPHeadParser(kind: kind, limits: limits)
    }

    /// Returns the head once the blank line has arrived (and resets, ready for the next head),
    /// nil while more bytes are needed.
    mutating func parse(_ buffer: UnsafeRawBufferPointer) throws(HTTPError) -> Head? {
        precondition(buffer.count >= scanOffset, "HTTP head parser: pass every byte of the head received so far")
        // RFC 6585 §5: never look past the largest head we accept.
        let end = min(buffer.count, limits.maxHeaderBytes)
        while scanOffset < end {
            var i = scanOffset
            while i < end, buffer[i] != HTTPSyntax.lf { i += 1 }
            guard i < end else {
                scanOffset = end
                break
            }
            let endsWithCR = i > lineStart && buffer[i - 1] == HTTPSyntax.cr
            // The length before the line ending, so the answer is the one a reader that got the
            // line a byte at a time gives: it crossed the limit before the LF came.
            try checkStartLineLength(i - lineStart - (endsWithCR ? 1 : 0))
            // RFC 9112 §2.2: a line ends with CRLF; a bare LF is rejected.
            guard endsWithCR else { throw .bareLF }
            let line = lineStart..<(i - 1)
            lineStart = i + 1
            scanOffset = i + 1
            if try takeLine(buffer, line) {
                let head = try finish(length: scanOffset)
                reset()
                return head
            }
        }
        // RFC 9112 §3: fail an overlong start line without waiting for its CRLF. A CR at the end
        // may start the CRLF, so it does not count yet.
        let pendingCR = scanOffset > lineStart && buffer[scanOffset - 1] == HTTPSyntax.cr
        try checkStartLineLength(scanOffset - lineStart - (pendingCR ? 1 : 0))
        if scanOffset >= limits.maxHeaderBytes { throw .headTooLarge(limit: limits.maxHeaderBytes) }
        return nil
    }

    /// RFC 9112 §3: the start line (of `length` bytes so far, without CR or LF) is within
    /// `maxRequestLineBytes`. Checked on every line, complete or not, before anything else about
    /// it, so that where the input was split cannot change the answer (issue 18).
    private func checkStartLineLength(_ length: Int) throws(HTTPError) {
        if startLine == nil, length > limits.maxRequestLineBytes {
            throw .startLineTooLong(limit: limits.maxRequestLineBytes)
        }
    }

    /// Handles one complete line (without CRLF); returns true at the blank line ending the head.
    private mutating func takeLine(_ buffer: UnsafeRawBufferPointer, _ line: Range<Int>) throws(HTTPError) -> Bool {
        guard startLine != nil else {
            // RFC 9112 §2.2: a server SHOULD ignore empty lines received before the request line.
            if line.isEmpty, kind == .request { return false }
            switch kind {
            case .request: startLine = try Self.parseRequestLine(buffer, line)
            case .response: startLine = try Self.parseStatusLine(buffer, line)
            }
            return false
        }
        if line.isEmpty { return true }
        // RFC 9112 §2.2: whitespace between the start line and the first field line MUST be
        // rejected or the line ignored; we reject.
        if headers.isEmpty, HTTPSyntax.isWhitespace(buffer[line.lowerBound]) { throw .whitespaceBeforeFirstField }
        guard headers.count < limits.maxHeaderCount else { throw .tooManyFields(limit: limits.maxHeaderCount) }
        let (name, value) = try HTTPSyntax.parseFieldLine(buffer, line)
        headers.add(name: HTTPSyntax.string(buffer, name), value: HTTPSyntax.string(buffer, value))
        return false
    }

    /// The checks that need the whole head.
    private func finish(length: Int) throws(HTTPError) -> Head {
        guard let startLine else { preconditionFailure("a head ends only after its start line") }
        switch startLine {
        case .request(_, _, let version):
            // RFC 9112 §3.2: a server MUST respond with 400 to an HTTP/1.1 request without a
            // Host field, to any request with more than one Host field line, and to a Host field
            // with an invalid value.
            let hosts = headers.values(for: "Host")
            if hosts.count > 1 { throw .duplicateHost }
            if let host = hosts.first {
                guard HTTPSyntax.isValidHost(host) else { throw .invalidHost }
            } else if version >= .http1_1 {
                throw .missingHost
            }
            _ = try HTTPBodyFraming(validating: headers, version: version, maxBodyBytes: limits.maxBodyBytes)
        case .response(let version, let status, _):
            // RFC 9112 §6.3 rule 1: 1xx, 204 and 304 have no body, so their Content-Length (for
            // 304, the size of the representation) is not held against the body limit.
            // Not known here: whether the request was HEAD; such a response's Content-Length is
            // held against the limit too.
            let noBody = status < 200 || status == 204 || status == 304
            _ = try HTTPBodyFraming(
                validating: headers, version: version, maxBodyBytes: noBody ? .max : limits.maxBodyBytes)
        }
        return Head(startLine: startLine, headers: headers, length: length)
    }

    /// RFC 9112 §3: `request-line = method SP request-target SP HTTP-version`, single spaces.
    static func parseRequestLine(_ buffer: UnsafeRawBufferPointer, _ line: Range<Int>) throws(HTTPError) -> StartLine {
        let end = line.upperBound
        // RFC 9112 §3.1: method = token.
        var i = line.lowerBound
        while i < end, HTTPSyntax.isTokenChar(buffer[i]) { i += 1 }
        let method = line.lowerBound..<i
        guard i < end else { throw .invalidRequestLine }
        guard buffer[i] == HTTPSyntax.sp else { throw invalidByte(buffer[i], else: .invalidMethod) }
        guard !method.isEmpty else { throw .invalidRequestLine }
        // RFC 9112 §3.2: the target holds no whitespace or control; we allow visible US-ASCII only.
        i += 1
        let targetStart = i
        while i < end, buffer[i] != HTTPSyntax.sp {
            guard buffer[i] > 0x20, buffer[i] < 0x7F else { throw invalidByte(buffer[i], else: .invalidTarget) }
            i += 1
        }
        let target = targetStart..<i
        guard i < end, !target.isEmpty else { throw .invalidRequestLine }
        // RFC 9112 §3: exactly one SP, then the version and nothing after it.
        let versionRange = (i + 1)..<end
        for j in versionRange where buffer[j] == HTTPSyntax.sp || buffer[j] == HTTPSyntax.cr {
            throw buffer[j] == HTTPSyntax.cr ? .bareCR : .invalidRequestLine
        }
        let version = try parseVersion(buffer, versionRange)
        return .request(
            method: HTTPSyntax.string(buffer, method), target: HTTPSyntax.string(buffer, target), version: version)
    }

    /// RFC 9112 §4: `status-line = HTTP-version SP status-code SP [ reason-phrase ]`.
    /// Also accepted: no SP after the status code when the reason is empty (a common omission).
    static func parseStatusLine(_ buffer: UnsafeRawBufferPointer, _ line: Range<Int>) throws(HTTPError) -> StartLine {
        let end = line.upperBound
        var i = line.lowerBound
        while i < end, buffer[i] != HTTPSyntax.sp { i += 1 }
        guard i < end else { throw .invalidStatusLine }
        let version = try parseVersion(buffer, line.lowerBound..<i)
        // RFC 9110 §15: status-code = 3DIGIT, 100–599.
        i += 1
        guard end - i >= 3 else { throw .invalidStatusLine }
        var status = 0
        for j in i..<(i + 3) {
            guard HTTPSyntax.isDigit(buffer[j]) else { throw .invalidStatusLine }
            status = status * 10 + Int(buffer[j] - 0x30)
        }
        guard (100...599).contains(status) else { throw .invalidStatusCode }
        i += 3
        var reason = i..<i
        if i < end {
            guard buffer[i] == HTTPSyntax.sp else { throw .invalidStatusLine }
            // RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ).
            for j in (i + 1)..<end where !HTTPSyntax.isFieldValueChar(buffer[j]) {
                throw invalidByte(buffer[j], else: .invalidStatusLine)
            }
            reason = (i + 1)..<end
        }
        return .response(version: version, status: status, reason: HTTPSyntax.string(buffer, reason))
    }

    /// RFC 9112 §2.3: `HTTP-version = "HTTP/" DIGIT "." DIGIT`, case-sensitive. RFC 9110 §2.5:
    /// only 1.0 and 1.1 are served; any other well-formed version is 505.
    static func parseVersion(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) throws(HTTPError) -> HTTPVersion {
        let s = range.lowerBound
        guard range.count == 8,
              buffer[s] == UInt8(ascii: "H"), buffer[s + 1] == UInt8(ascii: "T"), buffer[s + 2] == UInt8(ascii: "T"),
              buffer[s + 3] == UInt8(ascii: "P"), buffer[s + 4] == UInt8(ascii: "/"),
              HTTPSyntax.isDigit(buffer[s + 5]), buffer[s + 6] == UInt8(ascii: "."), HTTPSyntax.isDigit(buffer[s + 7])
        else {
            for j in range where buffer[j] == HTTPSyntax.cr { throw .bareCR }
            throw .invalidVersion
        }
        let version = HTTPVersion(major: Int(buffer[s + 5] - 0x30), minor: Int(buffer[s + 7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion(version) }
        return version
    }

    /// A CR where it does not belong is reported as a bare CR (RFC 9112 §2.2), other whitespace
    /// as a malformed line, anything else as `error`.
    private static func invalidByte(_ byte: UInt8, else error: HTTPError) -> HTTPError {
        if byte == HTTPSyntax.cr { return .bareCR }
        if byte == HTTPSyntax.htab { return .invalidRequestLine }
        return error
    }
}
