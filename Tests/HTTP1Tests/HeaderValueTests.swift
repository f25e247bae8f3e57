import Testing
@testable import HTTP1

@Suite struct HeaderValueTests {
    @Test func controlCharactersCannotSplitTheRequest() {
        #expect(HeaderValue.sanitized("alice\r\nX-Admin: 1") == "alice%0D%0AX-Admin: 1")
        #expect(HeaderValue.sanitized("a\u{0}b\u{7F}") == "a%00b%7F")
        #expect(HeaderValue.sanitized("100%") == "100%25")
    }

    @Test func ordinaryTextPassesUnchanged() {
        #expect(HeaderValue.sanitized("Jiří Novák") == "Jiří Novák")
        #expect(HeaderValue.sanitized("crm@example.com") == "crm@example.com")
    }
}
