import Testing
import WSFraming
@testable import AuthSchemes
import TestSupport

/// `Authorization: Basic` (RFC 7617): base64 with padding, the first colon splits, UTF-8, no
/// control characters; the scheme case-insensitive.
@Suite struct BasicCredentialsTests {
    private func parse(_ value: String) -> Result<BasicCredentials, AuthError>? {
        BasicCredentials.parse(authorization: value)
    }

    /// RFC 7617 §2's example: "Aladdin" / "open sesame".
    @Test func rfcExample() {
        #expect(parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") == .success(BasicCredentials(user: "Aladdin", password: "open sesame")))
        #expect(BasicCredentials(user: "Aladdin", password: "open sesame").authorization == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    }

    /// RFC 7617 §2.1's example: "test" / "123£" in UTF-8 is `dGVzdDoxMjPCow==`.
    @Test func utf8Example() {
        #expect(parse("Basic dGVzdDoxMjPCow==") == .success(BasicCredentials(user: "test", password: "123£")))
    }

    @Test func schemeIsCaseInsensitiveAndWhitespaceAround() {
        #expect(parse("basic YWxpY2U6YWxpY2U=") == .success(BasicCredentials(user: "alice", password: "alice")))
        #expect(parse("  BASIC   YWxpY2U6YWxpY2U=\t") == .success(BasicCredentials(user: "alice", password: "alice")))
    }

    @Test func otherSchemesAreNotBasic() {
        #expect(parse("Bearer v1.abc") == nil)
        #expect(parse("BasicYWxpY2U6YWxpY2U=") == nil)
        #expect(parse("Digest username=\"a\"") == nil)
        #expect(parse("") == nil)
    }

    @Test func firstColonSplitsAndPasswordMayHoldColons() throws {
        // Python's base64 of the same bytes: an independent encoder.
        let encoded = try ExternalTool.python("import base64,sys; print(base64.b64encode(sys.argv[1].encode()).decode(), end='')",
                                              ["jiří:pa:ss:wörd"])
        #expect(parse("Basic " + encoded) == .success(BasicCredentials(user: "jiří", password: "pa:ss:wörd")))
        #expect(parse("Basic " + Base64.encode(Array("bob:".utf8), alphabet: .standard, padded: true))
                == .success(BasicCredentials(user: "bob", password: "")))
    }

    @Test func refusals() {
        func basic(_ bytes: [UInt8]) -> String { "Basic " + Base64.encode(bytes, alphabet: .standard, padded: true) }
        #expect(parse("Basic") == .failure(.missingCredential))
        #expect(parse("Basic    ") == .failure(.missingCredential))
        #expect(parse(basic(Array(":secret".utf8))) == .failure(.missingCredential))
        #expect(parse(basic(Array("nocolon".utf8))) == .failure(.malformed("basic credentials without a colon")))
        #expect(parse(basic([0x61, 0x3A, 0xFF, 0xFE])) == .failure(.malformed("basic credentials are not UTF-8")))
        #expect(parse(basic(Array("al\u{7F}ice:pw".utf8))) == .failure(.malformed("basic credentials contain control characters")))
        #expect(parse(basic(Array("alice:p\nw".utf8))) == .failure(.malformed("basic credentials contain control characters")))
        #expect(parse(basic(Array("alice:p\u{0}w".utf8))) == .failure(.malformed("basic credentials contain control characters")))
        // Not canonical base64: missing padding, URL alphabet, a space inside.
        #expect(parse("Basic YWxpY2U6YWxpY2U") == .failure(.malformed("basic credentials are not base64")))
        #expect(parse("Basic YWxp-2U6YWxpY2U=") == .failure(.malformed("basic credentials are not base64")))
        #expect(parse("Basic YWxpY2U6 YWxpY2U=") == .failure(.malformed("basic credentials are not base64")))
        #expect(parse("Basic " + String(repeating: "A", count: BasicCredentials.maxEncodedLength + 4))
                == .failure(.malformed("basic credentials too long")))
    }

    @Test func challenge() {
        #expect(BasicCredentials.challenge(realm: "callgate") == #"Basic realm="callgate", charset="UTF-8""#)
    }
}
