@testable import LoadgenCore
import Testing

@Suite struct HTTPExchangeTests {
    private func parse(_ text: String, end: Bool = false) -> HTTPExchange.Parse {
        HTTPExchange.parse(Array(text.utf8), endOfStream: end)
    }

    @Test func request() {
        let text = String(decoding: HTTPExchange.request(method: "POST", target: "/admin/calls?from=%2B420602123456&user=bench", host: "127.0.0.1:8080", authorization: "Bearer k"), as: UTF8.self)
        #expect(text == "POST /admin/calls?from=%2B420602123456&user=bench HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\nAuthorization: Bearer k\r\nUser-Agent: callgate-bench-loadgen\r\nConnection: close\r\n\r\n")
    }

    @Test func contentLengthBody() {
        let full = "HTTP/1.1 201 Created\r\nContent-Length: 18\r\n\r\n{\"uniqueid\":\"1.2\"}"
        guard case .complete(let response) = self.parse(full) else {
            Issue.record("not complete")
            return
        }
        #expect(response.status == 201)
        #expect(response.statusLine == "HTTP/1.1 201 Created")
        #expect(response.bodyText == "{\"uniqueid\":\"1.2\"}")
        // Every shorter prefix is incomplete, and invalid once the stream has ended.
        let bytes = Array(full.utf8)
        for cut in 0..<bytes.count {
            #expect(HTTPExchange.parse(Array(bytes[0..<cut]), endOfStream: false) == .incomplete, "cut \(cut)")
            if case .invalid = HTTPExchange.parse(Array(bytes[0..<cut]), endOfStream: true) {} else { Issue.record("cut \(cut) at end of stream") }
        }
    }

    @Test func chunkedAndCloseDelimitedBodies() {
        let chunked = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n"
        #expect(self.parse(chunked) == .complete(.init(status: 201, statusLine: "HTTP/1.1 201 Created", body: Array("abcdef".utf8))))
        #expect(self.parse(String(chunked.dropLast(2))) == .incomplete)
        let closeDelimited = "HTTP/1.1 200 OK\r\n\r\nhello"
        #expect(self.parse(closeDelimited) == .incomplete)
        #expect(self.parse(closeDelimited, end: true) == .complete(.init(status: 200, statusLine: "HTTP/1.1 200 OK", body: Array("hello".utf8))))
        #expect(self.parse("HTTP/1.1 204 No Content\r\n\r\n") == .complete(.init(status: 204, statusLine: "HTTP/1.1 204 No Content", body: [])))
    }

    @Test func malformed() {
        if case .invalid = self.parse("SSH-2.0-x\r\n\r\n") {} else { Issue.record("status line") }
        if case .invalid = self.parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n") {} else { Issue.record("length") }
        if case .invalid = self.parse("HTTP/1.1 200 OK\r\nno colon\r\n\r\n") {} else { Issue.record("header") }
    }

    @Test func percentEncoding() {
        #expect(HTTPExchange.percentEncoded("1700000000.123-a_b~") == "1700000000.123-a_b~")
        #expect(HTTPExchange.percentEncoded("+420 6/é") == "%2B420%206%2F%C3%A9")
    }
}
