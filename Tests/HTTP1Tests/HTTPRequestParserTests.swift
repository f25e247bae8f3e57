// Over 400 lines on purpose: one parser, and the request-smuggling rules as one table of refusals.
import Testing
@testable import HTTP1

/// A request head expected to be rejected, with the error (and so the status) it must produce.
struct RejectedRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String
    let error: HTTPError
    var testDescription: String { name }
}

@Suite struct HTTPRequestParserTests {
    @Test func parsesASimpleRequest() throws {
        let raw = "GET /agents/42?tab=calls&x=1 HTTP/1.1\r\nHost: gw.example\r\nX-Empty:\r\nAccept:  text/plain \t\r\n\r\n"
        let outcome = feedRequest(httpBytes(raw))
        guard case .head(let head, let length) = outcome else {
            Issue.record("unexpected \(outcome)")
            return
        }
        #expect(length == raw.utf8.count)
        #expect(head.method == "GET")
        #expect(head.target == "/agents/42?tab=calls&x=1")
        #expect(head.path == "/agents/42")
        #expect(head.query == "tab=calls&x=1")
        #expect(head.version == .http1_1)
        #expect(Array(head.headers.map(\.name)) == ["Host", "X-Empty", "Accept"])
        #expect(head.headers["host"] == "gw.example")
        #expect(head.headers["X-EMPTY"] == "")
        // RFC 9112 §5.1: OWS around the value is not part of it.
        #expect(head.headers["accept"] == "text/plain")
        #expect(head.keepAlive)
        #expect(head.bodyFraming == .none)
    }

    @Test func parsesTheRFC6455SampleRequest() {
        guard case .head(let head, let length) = feedRequest(httpBytes(rfc6455SampleRequest)) else {
            Issue.record("sample request rejected")
            return
        }
        #expect(length == rfc6455SampleRequest.utf8.count)
        #expect(head.path == "/chat")
        #expect(head.query == nil)
        #expect(head.headers.count == 7)
        #expect(head.headers["Sec-WebSocket-Key"] == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(head.headers.tokens(for: "sec-websocket-protocol") == ["chat", "superchat"])
    }

    @Test func pathAndQueryEdgeCases() {
        #expect(HTTPRequestHead(method: "GET", target: "/").query == nil)
        #expect(HTTPRequestHead(method: "GET", target: "/a?").query == "")
        #expect(HTTPRequestHead(method: "GET", target: "/a?").path == "/a")
        #expect(HTTPRequestHead(method: "GET", target: "/a?b?c").query == "b?c")
        #expect(HTTPRequestHead(method: "OPTIONS", target: "*").path == "*")
    }

    /// RFC 9112 §2.2: empty lines before the request line are skipped, and count in headLength.
    @Test func skipsLeadingEmptyLines() {
        let raw = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        guard case .head(let head, let length) = feedRequest(httpBytes(raw)) else {
            Issue.record("rejected")
            return
        }
        #expect(head.target == "/")
        #expect(length == raw.utf8.count)
        #expect(requestError("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") == .bareLF)
    }

    @Test func acceptsHostForms() {
        for host in ["gw.example", "gw.example:8443", "10.0.0.1:80", "[::1]", "[2001:db8::7]:443", "ex%41mple", "a:", ""] {
            #expect(requestError("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n") == nil, "\(host)")
        }
    }

    @Test func acceptsHTTP10WithoutHost() {
        guard case .head(let head, _) = feedRequest(httpBytes("GET / HTTP/1.0\r\n\r\n")) else {
            Issue.record("rejected")
            return
        }
        #expect(head.version == .http1_0)
        #expect(head.headers.isEmpty)
        #expect(!head.keepAlive)
    }

    /// RFC 9110 §5.5: obs-text is allowed in values; invalid UTF-8 becomes U+FFFD in the String.
    @Test func acceptsObsTextInValues() {
        var bytes = httpBytes("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf")
        bytes += [0xC3, 0xA9, 0x20, 0xFF]
        bytes += httpBytes("\r\n\r\n")
        guard case .head(let head, _) = feedRequest(bytes) else {
            Issue.record("rejected")
            return
        }
        #expect(head.headers["x-name"] == "café \u{FFFD}")
    }

    static let rejected: [RejectedRequest] = [
        // RFC 9112 §6.3 and §11.2: request smuggling shapes.
        .init(name: "CL and TE", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
              error: .contentLengthWithTransferEncoding),
        .init(name: "TE and CL", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
              error: .contentLengthWithTransferEncoding),
        .init(name: "duplicate CL", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
              error: .duplicateContentLength),
        .init(name: "CL list", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\n", error: .invalidContentLength),
        .init(name: "CL sign", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", error: .invalidContentLength),
        .init(name: "CL negative", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", error: .invalidContentLength),
        .init(name: "CL hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", error: .invalidContentLength),
        .init(name: "CL inner space", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", error: .invalidContentLength),
        .init(name: "CL empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", error: .invalidContentLength),
        .init(name: "CL overflow", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
              error: .invalidContentLength),
        .init(name: "TE chunked, identity", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
              error: .transferEncodingNotChunked),
        .init(name: "TE chunked then identity line",
              raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
              error: .transferEncodingNotChunked),
        .init(name: "TE gzip", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", error: .transferEncodingNotChunked),
        .init(name: "TE chunked twice", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
              error: .invalidTransferEncoding),
        .init(name: "TE empty", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", error: .invalidTransferEncoding),
        .init(name: "TE gzip, chunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
              error: .unsupportedTransferCoding("gzip")),
        .init(name: "TE in HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", error: .transferEncodingInHTTP10),
        .init(name: "space before colon", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
              error: .whitespaceBeforeColon),
        .init(name: "tab before colon", raw: "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", error: .whitespaceBeforeColon),
        .init(name: "obs-fold", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", error: .obsoleteLineFolding),
        .init(name: "obs-fold tab", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", error: .obsoleteLineFolding),
        .init(name: "space before first field", raw: "GET / HTTP/1.1\r\n Host: a\r\n\r\n", error: .whitespaceBeforeFirstField),
        .init(name: "bare LF after request line", raw: "GET / HTTP/1.1\nHost: a\r\n\r\n", error: .bareLF),
        .init(name: "bare LF after field", raw: "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", error: .bareLF),
        .init(name: "bare LF blank line", raw: "GET / HTTP/1.1\r\nHost: a\r\n\n", error: .bareLF),
        .init(name: "bare CR in value", raw: "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", error: .bareCR),
        .init(name: "bare CR in name", raw: "GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", error: .bareCR),
        .init(name: "bare CR after version", raw: "GET / HTTP/1.1\rHost: a\r\n\r\n", error: .bareCR),
        .init(name: "NUL in value", raw: "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", error: .invalidFieldValue),
        .init(name: "control in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: \u{1}\r\n\r\n", error: .invalidFieldValue),
        .init(name: "DEL in value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: \u{7F}\r\n\r\n", error: .invalidFieldValue),
        .init(name: "invalid name char", raw: "GET / HTTP/1.1\r\nHost: a\r\nX(Y): b\r\n\r\n", error: .invalidFieldName),
        .init(name: "empty name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", error: .invalidFieldName),
        .init(name: "no colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nXY\r\n\r\n", error: .invalidFieldName),
        .init(name: "non-ASCII name", raw: "GET / HTTP/1.1\r\nHost: a\r\nXé: b\r\n\r\n", error: .invalidFieldName),
        .init(name: "invalid method char", raw: "G(ET / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidMethod),
        .init(name: "method with NUL", raw: "GE\u{0}T / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidMethod),
        .init(name: "double space", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "space before version", raw: "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "trailing space", raw: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "leading space", raw: " GET / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "tab separator", raw: "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "missing version", raw: "GET /\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "method only", raw: "GET\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "empty version", raw: "GET / \r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "lowercase version", raw: "GET / http/1.1\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "long minor version", raw: "GET / HTTP/1.10\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "short version", raw: "GET / HTTP/2\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "target with tab", raw: "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidRequestLine),
        .init(name: "target with non-ASCII", raw: "GET /é HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTarget),
        .init(name: "target with control", raw: "GET /\u{1} HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTarget),
        .init(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", error: .unsupportedVersion(HTTPVersion(major: 2, minor: 0))),
        .init(name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", error: .unsupportedVersion(HTTPVersion(major: 1, minor: 2))),
        .init(name: "HTTP/0.9", raw: "GET / HTTP/0.9\r\n\r\n", error: .unsupportedVersion(HTTPVersion(major: 0, minor: 9))),
        .init(name: "missing Host", raw: "GET / HTTP/1.1\r\nX: a\r\n\r\n", error: .missingHost),
        .init(name: "two Host", raw: "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", error: .duplicateHost),
        .init(name: "two Host in 1.0", raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", error: .duplicateHost),
        .init(name: "Host with space", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", error: .invalidHost),
        .init(name: "Host with userinfo", raw: "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", error: .invalidHost),
        .init(name: "Host with path", raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", error: .invalidHost),
        .init(name: "Host bad port", raw: "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", error: .invalidHost),
        .init(name: "Host bad escape", raw: "GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", error: .invalidHost),
        .init(name: "Host open bracket", raw: "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", error: .invalidHost),
        .init(name: "CL over limit", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n",
              error: .bodyTooLarge(limit: 1 << 20)),
    ]

    @Test(arguments: rejected)
    func rejects(_ vector: RejectedRequest) {
        #expect(requestError(vector.raw) == vector.error)
    }

    /// The same outcome whether the head arrives whole, split once at any offset, or byte by byte.
    @Test(arguments: rejected)
    func rejectsAtEverySplit(_ vector: RejectedRequest) {
        let bytes = httpBytes(vector.raw)
        for cut in 0...bytes.count {
            #expect(feedRequest(bytes, cuts: [cut]) == .failed(vector.error), "cut at \(cut)")
        }
        #expect(feedRequest(bytes, cuts: Array(0..<bytes.count)) == .failed(vector.error))
    }

    @Test func statusesOfRejections() {
        let statuses = Self.rejected.map { $0.error.status }
        #expect(Set(statuses) == [400, 413, 501, 505])
        #expect(HTTPError.contentLengthWithTransferEncoding.status == 400)
        #expect(HTTPError.unsupportedTransferCoding("gzip").status == 501)
        #expect(HTTPError.unsupportedVersion(HTTPVersion(major: 2, minor: 0)).status == 505)
        #expect(HTTPError.startLineTooLong(limit: 1).status == 414)
        #expect(HTTPError.headTooLarge(limit: 1).status == 431)
        #expect(HTTPError.tooManyFields(limit: 1).status == 431)
        #expect(HTTPError.bodyTooLarge(limit: 1).status == 413)
    }

    @Test func splitAtEveryOffsetGivesTheSameHead() {
        let vectors = [
            rfc6455SampleRequest,
            "\r\nPOST /callto?number=100 HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc",
            "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ]
        for raw in vectors {
            let bytes = httpBytes(raw)
            let whole = feedRequest(bytes)
            guard case .head = whole else {
                Issue.record("rejected: \(raw)")
                continue
            }
            for cut in 0...bytes.count {
                #expect(feedRequest(bytes, cuts: [cut]) == whole, "cut at \(cut)")
            }
            #expect(feedRequest(bytes, cuts: Array(0..<bytes.count)) == whole)
        }
    }

    /// Each byte is looked at once: the engine remembers how far it scanned.
    @Test func scanningIsIncremental() throws {
        let bytes = httpBytes(rfc6455SampleRequest)
        var engine = HTTPHeadParser(kind: .request, limits: HTTPLimits())
        for end in 1..<bytes.count {
            let head = try bytes.withUnsafeBytes { buffer in
                try Result { () throws(HTTPError) in try engine.parse(UnsafeRawBufferPointer(rebasing: buffer[..<end])) }.get()
            }
            #expect(head == nil)
            #expect(engine.scanOffset == end)
            #expect(engine.lineStart <= end)
        }
    }

    @Test func maximumSizeHeadFedByteByByteCompletes() {
        // 16384 bytes exactly, fed one byte at a time: linear work, so this stays fast.
        let start = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let filler = String(repeating: "v", count: 16384 - start.utf8.count - 4)
        let bytes = httpBytes(start + filler + "\r\n\r\n")
        #expect(bytes.count == 16384)
        var parser = HTTPRequestParser()
        var result: HTTPRequestHead?
        bytes.withUnsafeBytes { buffer in
            for end in 1...buffer.count where result == nil {
                result = try? parser.parse(UnsafeRawBufferPointer(rebasing: buffer[..<end]))
            }
        }
        #expect(result?.headers["x"]?.utf8.count == filler.utf8.count)
        #expect(parser.headLength == 16384)
    }

    // MARK: Limits

    @Test func requestLineLimit() {
        let limits = HTTPLimits()
        let target = "/" + String(repeating: "a", count: limits.maxRequestLineBytes - "GET  HTTP/1.1".utf8.count - 1)
        let atLimit = "GET \(target) HTTP/1.1"
        #expect(atLimit.utf8.count == limits.maxRequestLineBytes)
        #expect(requestError(atLimit + "\r\nHost: a\r\n\r\n") == nil)
        #expect(requestError("GET \(target)a HTTP/1.1\r\nHost: a\r\n\r\n") == .startLineTooLong(limit: 8192))
        #expect(HTTPError.startLineTooLong(limit: 8192).status == 414)
    }

    /// A 1 MB request line with no CRLF fails as soon as it passes the limit.
    @Test func endlessRequestLineFailsAtTheLimit() {
        let bytes = httpBytes("GET /" + String(repeating: "a", count: 1 << 20))
        #expect(feedRequest(Array(bytes[..<8192])) == .incomplete)
        #expect(feedRequest(Array(bytes[..<8193])) == .failed(.startLineTooLong(limit: 8192)))
        #expect(feedRequest(bytes) == .failed(.startLineTooLong(limit: 8192)))
        // A CR that may start the CRLF does not count yet.
        #expect(feedRequest(Array(bytes[..<8192]) + [0x0D]) == .incomplete)
    }

    /// Issue 18 defect 3: an 8,214-byte request line ending in a bare LF got 400 (bare LF) in one
    /// write and 414 when split before the LF. The limit is crossed before the LF arrives, so 414
    /// however the bytes are split.
    @Test func overlongRequestLineEndingInBareLFIsTheSameAtEverySplit() {
        let line = "GET /" + String(repeating: "a", count: 8213 - "GET / HTTP/1.1".utf8.count) + " HTTP/1.1"
        let bytes = httpBytes(line + "\nHost: a\r\n\r\n")
        #expect(line.utf8.count + 1 == 8214)
        let expected = HeadOutcome<HTTPRequestHead>.failed(.startLineTooLong(limit: 8192))
        #expect(feedRequest(bytes) == expected)
        for cut in 0...bytes.count {
            #expect(feedRequest(bytes, cuts: [cut]) == expected, "cut at \(cut)")
        }
        #expect(feedRequest(bytes, cuts: Array(0..<bytes.count)) == expected)
        // At the limit, the bare LF is what is wrong, whole or split.
        let atLimit = httpBytes("GET /" + String(repeating: "a", count: 8192 - "GET / HTTP/1.1".utf8.count) + " HTTP/1.1\n\r\n")
        for cut in 0...atLimit.count {
            #expect(feedRequest(atLimit, cuts: [cut]) == .failed(.bareLF), "cut at \(cut)")
        }
    }

    @Test func headerBytesLimit() {
        let limits = HTTPLimits(maxHeaderBytes: 100)
        let start = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let exact = start + String(repeating: "v", count: 100 - start.utf8.count - 4) + "\r\n\r\n"
        #expect(exact.utf8.count == 100)
        #expect(requestError(exact, limits: limits) == nil)
        let over = start + String(repeating: "v", count: 100 - start.utf8.count - 3) + "\r\n\r\n"
        #expect(requestError(over, limits: limits) == .headTooLarge(limit: 100))
        // No blank line yet, and the limit is reached: fail now.
        let endless = httpBytes(start + String(repeating: "v", count: 1000))
        #expect(feedRequest(Array(endless[..<99]), limits: limits) == .incomplete)
        #expect(feedRequest(Array(endless[..<100]), limits: limits) == .failed(.headTooLarge(limit: 100)))
        // Bytes after a complete head (a body) do not count.
        #expect(requestError(exact + String(repeating: "b", count: 500), limits: limits) == nil)
    }

    @Test func defaultHeaderBytesLimit() {
        let many = (0..<50).map { "X-\($0): " + String(repeating: "v", count: 400) + "\r\n" }.joined()
        #expect(requestError("GET / HTTP/1.1\r\nHost: a\r\n" + many + "\r\n") == .headTooLarge(limit: 16384))
    }

    @Test func headerCountLimit() {
        let fields = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(requestError("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n") == nil)
        let tooMany = "GET / HTTP/1.1\r\nHost: a\r\n" + fields + "X-Last: v\r\n"
        // Fails on the 101st field line, before the blank line arrives.
        #expect(feedRequest(httpBytes(tooMany)) == .failed(.tooManyFields(limit: 100)))
        #expect(HTTPError.tooManyFields(limit: 100).status == 431)
    }

    @Test func bodyLimit() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        #expect(requestError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n", limits: limits) == nil)
        #expect(requestError("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits)
            == .bodyTooLarge(limit: 10))
    }

    // MARK: Framing, persistence, pipelining

    @Test func bodyFraming() {
        func framing(_ fields: String, version: String = "HTTP/1.1") -> HTTPBodyFraming? {
            if case .head(let head, _) = feedRequest(httpBytes("POST / \(version)\r\nHost: a\r\n\(fields)\r\n")) {
                return head.bodyFraming
            }
            return nil
        }
        #expect(framing("") == HTTPBodyFraming.none)
        #expect(framing("Content-Length: 0\r\n") == .contentLength(0))
        #expect(framing("Content-Length: 0042\r\n") == .contentLength(42))
        #expect(framing("Transfer-Encoding: chunked\r\n") == .chunked)
        #expect(framing("Transfer-Encoding: CHUNKED\r\n") == .chunked)
        #expect(framing("Content-Length: 7\r\n", version: "HTTP/1.0") == .contentLength(7))
    }

    @Test func keepAlive() {
        func keepAlive(_ version: String, _ connection: String?) -> Bool? {
            let field = connection.map { "Connection: \($0)\r\n" } ?? ""
            if case .head(let head, _) = feedRequest(httpBytes("GET / \(version)\r\nHost: a\r\n\(field)\r\n")) {
                return head.keepAlive
            }
            return nil
        }
        #expect(keepAlive("HTTP/1.1", nil) == true)
        #expect(keepAlive("HTTP/1.1", "close") == false)
        #expect(keepAlive("HTTP/1.1", "Upgrade, Close") == false)
        #expect(keepAlive("HTTP/1.1", "keep-alive") == true)
        #expect(keepAlive("HTTP/1.0", nil) == false)
        #expect(keepAlive("HTTP/1.0", "Keep-Alive") == true)
        #expect(keepAlive("HTTP/1.0", "keep-alive, close") == false)
    }

    @Test func pipelinedRequests() throws {
        let first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
        let second = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"
        let third = "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let stream = httpBytes(first + "hello" + second + third)
        var parser = HTTPRequestParser()
        var offset = 0
        var targets: [String] = []
        while offset < stream.count {
            guard let head = try parser.parse(Array(stream[offset...])) else {
                Issue.record("incomplete at \(offset)")
                return
            }
            targets.append(head.target)
            offset += parser.headLength
            if case .contentLength(let length) = head.bodyFraming { offset += length }
        }
        #expect(targets == ["/a", "/b", "/c"])
        #expect(offset == stream.count)
    }

    @Test func resetForgetsAPartialHead() throws {
        var parser = HTTPRequestParser()
        #expect(try parser.parse(httpBytes("GET /one HTTP/1.1\r\nHo")) == nil)
        parser.reset()
        let head = try parser.parse(httpBytes("GET /two HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head?.target == "/two")
    }

    @Test func errorResponse() {
        let bytes = HTTPError.duplicateContentLength.response()
        let body = "400 Bad Request: more than one Content-Length\n"
        let expected = "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: \(body.utf8.count)\r\n" +
            "Connection: close\r\n" +
            "\r\n" + body
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func encodeRoundTrips() throws {
        let head = HTTPRequestHead(
            method: "POST", target: "/x?y", headers: ["Host": "h", "Content-Length": "3", "X-A": "1", "x-a": "2"])
        var bytes: [UInt8] = []
        head.encode(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self)
            == "POST /x?y HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX-A: 1\r\nx-a: 2\r\n\r\n")
        var parser = HTTPRequestParser()
        #expect(try parser.parse(bytes) == head)
    }
}
