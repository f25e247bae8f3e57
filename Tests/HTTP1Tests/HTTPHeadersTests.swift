import Testing
@testable import HTTP1

@Suite struct HTTPHeadersTests {
    @Test func lookups() {
        var headers: HTTPHeaders = ["Connection": "keep-alive, Upgrade", "X-A": "1"]
        headers.add(name: "connection", value: " ,close,, ")
        headers.add(name: "x-a", value: "2")
        #expect(headers["CONNECTION"] == "keep-alive, Upgrade")
        #expect(headers["missing"] == nil)
        #expect(headers.values(for: "X-a") == ["1", "2"])
        #expect(headers.count(of: "x-A") == 2)
        #expect(headers.tokens(for: "Connection") == ["keep-alive", "upgrade", "close"])
        #expect(headers.contains(token: "UPGRADE", in: "connection"))
        #expect(!headers.contains(token: "upgrad", in: "connection"))
        #expect(headers.map(\.name) == ["Connection", "X-A", "connection", "x-a"])
        headers.remove(name: "X-A")
        #expect(headers.count == 2)
    }

    @Test func validation() {
        #expect(HTTPHeaders.isValidName("Sec-WebSocket-Key"))
        #expect(!HTTPHeaders.isValidName(""))
        #expect(!HTTPHeaders.isValidName("Bad Name"))
        #expect(!HTTPHeaders.isValidName("Bad:Name"))
        #expect(HTTPHeaders.isValidValue("a b\tc"))
        #expect(HTTPHeaders.isValidValue(""))
        #expect(!HTTPHeaders.isValidValue("a\r\nX-Injected: 1"))
        #expect(!HTTPHeaders.isValidValue(" leading"))
        #expect(!HTTPHeaders.isValidValue("nul\u{0}"))
    }
}
