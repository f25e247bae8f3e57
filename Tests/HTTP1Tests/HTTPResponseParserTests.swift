import Testing
@testable import HTTP1

@Suite struct HTTPResponseParserTests {
    @Test func parsesTheRFC6455SampleResponseFollowedByAFrame() throws {
        // The 101 and the first server frame ("Hello", RFC 6455 §5.7) in one read.
        let bytes = httpBytes(rfc6455SampleResponse) + [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        var parser = HTTPResponseParser()
        let head = try #require(try parser.parse(bytes))
        #expect(head.status == 101)
        #expect(head.reason == "Switching Protocols")
        #expect(head.version == .http1_1)
        #expect(head.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(parser.headLength == rfc6455SampleResponse.utf8.count)
        #expect(Array(bytes[parser.headLength...]) == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test func splitAtEveryOffsetGivesTheSameHead() {
        let bytes = httpBytes(rfc6455SampleResponse)
        let whole = feedResponse(bytes)
        guard case .head = whole else {
            Issue.record("rejected")
            return
        }
        for cut in 0...bytes.count {
            #expect(feedResponse(bytes, cuts: [cut]) == whole, "cut at \(cut)")
        }
        #expect(feedResponse(bytes, cuts: Array(0..<bytes.count)) == whole)
    }

    @Test func statusLineForms() {
        func status(_ line: String) -> HeadOutcome<HTTPResponseHead> {
            feedResponse(httpBytes(line + "\r\nContent-Length: 0\r\n\r\n"))
        }
        guard case .head(let empty, _) = status("HTTP/1.1 204") else {
            Issue.record("missing reason rejected")
            return
        }
        #expect(empty.status == 204 && empty.reason == "")
        let obsText = httpBytes("HTTP/1.0 200 \tAll  fine") + [0xFF] + httpBytes("\r\n\r\n")
        guard case .head(let spaced, _) = feedResponse(obsText) else {
            Issue.record("reason with spaces rejected")
            return
        }
        #expect(spaced.reason == "\tAll  fine\u{FFFD}")
        #expect(spaced.version == .http1_0)
        #expect(status("HTTP/1.1 200 ") != .failed(.invalidStatusLine))

        #expect(status("HTTP/1.1  200 OK") == .failed(.invalidStatusLine))
        #expect(status("HTTP/1.1 2000 OK") == .failed(.invalidStatusLine))
        #expect(status("HTTP/1.1 20 OK") == .failed(.invalidStatusLine))
        #expect(status("HTTP/1.1 2x0 OK") == .failed(.invalidStatusLine))
        #expect(status("HTTP/1.1 099 Low") == .failed(.invalidStatusCode))
        #expect(status("HTTP/1.1 600 High") == .failed(.invalidStatusCode))
        #expect(status("HTTP/1.1") == .failed(.invalidStatusLine))
        #expect(status("HTTP/1.1 200 O\u{1}K") == .failed(.invalidStatusLine))
        #expect(status("HTTP/1.1 200 O\rK") == .failed(.bareCR))
        #expect(status("HTTP/2 200 OK") == .failed(.invalidVersion))
        #expect(status("http/1.1 200 OK") == .failed(.invalidVersion))
        #expect(status("HTTP/2.0 200 OK") == .failed(.unsupportedVersion(HTTPVersion(major: 2, minor: 0))))
        // Empty lines are skipped only before a request line.
        #expect(feedResponse(httpBytes("\r\nHTTP/1.1 200 OK\r\n\r\n")) == .failed(.invalidStatusLine))
    }

    @Test func sameStrictnessAsRequests() {
        func error(_ fields: String) -> HeadOutcome<HTTPResponseHead> {
            feedResponse(httpBytes("HTTP/1.1 200 OK\r\n" + fields + "\r\n"))
        }
        #expect(error("Content-Length: 1\r\nTransfer-Encoding: chunked\r\n") == .failed(.contentLengthWithTransferEncoding))
        #expect(error("Content-Length: 1\r\nContent-Length: 1\r\n") == .failed(.duplicateContentLength))
        #expect(error("Content-Length: 1, 1\r\n") == .failed(.invalidContentLength))
        #expect(error("Transfer-Encoding: chunked, identity\r\n") == .failed(.transferEncodingNotChunked))
        #expect(error("Transfer-Encoding : chunked\r\n") == .failed(.whitespaceBeforeColon))
        #expect(error("X: a\r\n b\r\n") == .failed(.obsoleteLineFolding))
        #expect(error("X: a\nY: b\r\n") == .failed(.bareLF))
        #expect(error("X: a\u{0}\r\n") == .failed(.invalidFieldValue))
        // No Host rule for responses.
        guard case .head = error("") else {
            Issue.record("response without Host rejected")
            return
        }
    }

    @Test func limits() {
        let limits = HTTPLimits(maxRequestLineBytes: 20, maxHeaderBytes: 64, maxHeaderCount: 2, maxBodyBytes: 100)
        let longReason = httpBytes("HTTP/1.1 200 " + String(repeating: "k", count: 100))
        #expect(feedResponse(longReason, limits: limits) == .failed(.startLineTooLong(limit: 20)))
        #expect(feedResponse(httpBytes("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n"), limits: limits)
            == .failed(.tooManyFields(limit: 2)))
        #expect(feedResponse(httpBytes("HTTP/1.1 200 OK\r\nA: " + String(repeating: "v", count: 60)), limits: limits)
            == .failed(.headTooLarge(limit: 64)))
        #expect(feedResponse(httpBytes("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n"), limits: limits)
            == .failed(.bodyTooLarge(limit: 100)))
        // RFC 9112 §6.3 rule 1: a 304's Content-Length describes no body here.
        let smallBody = HTTPLimits(maxBodyBytes: 100)
        guard case .head = feedResponse(httpBytes("HTTP/1.1 304 Not Modified\r\nContent-Length: 5000\r\n\r\n"), limits: smallBody)
        else {
            Issue.record("304 with a large Content-Length rejected")
            return
        }
    }

    /// Issue 18 defect 3 on the client side: a status line over the limit that ends in a bare LF
    /// is 414 (too long) whether the server's bytes arrive whole or split anywhere.
    @Test func overlongStatusLineEndingInBareLFIsTheSameAtEverySplit() {
        let limits = HTTPLimits(maxRequestLineBytes: 20)
        let bytes = httpBytes("HTTP/1.1 200 " + String(repeating: "k", count: 10) + "\n\r\n")
        for cut in 0...bytes.count {
            #expect(feedResponse(bytes, cuts: [cut], limits: limits) == .failed(.startLineTooLong(limit: 20)), "cut at \(cut)")
        }
    }

    @Test func bodyFraming() {
        func framing(_ status: Int, _ fields: HTTPHeaders, method: String = "GET") -> HTTPBodyFraming {
            HTTPResponseHead(status: status, headers: fields).bodyFraming(requestMethod: method)
        }
        #expect(framing(200, ["Content-Length": "12"]) == .contentLength(12))
        #expect(framing(200, ["Transfer-Encoding": "chunked"]) == .chunked)
        #expect(framing(200, [:]) == .untilClose)
        #expect(framing(200, ["Content-Length": "12"], method: "HEAD") == HTTPBodyFraming.none)
        #expect(framing(101, [:]) == HTTPBodyFraming.none)
        #expect(framing(204, [:]) == HTTPBodyFraming.none)
        #expect(framing(304, ["Content-Length": "12"]) == HTTPBodyFraming.none)
        #expect(framing(200, [:], method: "CONNECT") == HTTPBodyFraming.none)
    }

    @Test func keepAlive() {
        #expect(HTTPResponseHead(status: 200).keepAlive)
        #expect(!HTTPResponseHead(status: 200, headers: ["Connection": "close"]).keepAlive)
        #expect(!HTTPResponseHead(status: 200, version: .http1_0).keepAlive)
    }

    @Test func encodeRoundTrips() throws {
        let head = HTTPResponseHead(status: 404, headers: ["Content-Length": "0", "X-Trace": "a b"])
        var bytes: [UInt8] = []
        head.encode(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-Trace: a b\r\n\r\n")
        var parser = HTTPResponseParser()
        #expect(try parser.parse(bytes) == head)
    }

    @Test func reasonPhrases() {
        let expected: [Int: String] = [
            101: "Switching Protocols", 200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found",
            304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 413: "Content Too Large", 414: "URI Too Long", 426: "Upgrade Required",
            429: "Too Many Requests", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
            501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
        ]
        for (status, phrase) in expected {
            #expect(HTTPResponseHead.reasonPhrase(for: status) == phrase)
        }
        #expect(HTTPResponseHead.reasonPhrase(for: 299) == "")
        #expect(HTTPResponseHead(status: 299).reason == "")
    }
}
