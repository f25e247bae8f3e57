import Testing
@testable import AuthSchemes
import TestSupport

/// Callgate's `v1.<payload>.<HMAC-SHA256>` session tokens; the independent minter is Python's
/// `hmac`, `hashlib`, `base64` and `urllib.parse.quote`, following the doc comment's recipe.
@Suite struct SessionTokenTests {
    static let key = Array(0..<32 as Range<UInt8>)
    static let now: Int64 = 1_700_000_000
    let signer = SessionTokenSigner(key: key)!
    let claims = SessionClaims(user: "agent ü/7", provider: "Jmeno CRM", scope: "channels", issued: now, expires: now + 3600)

    @Test func roundTrip() {
        let token = signer.issue(claims)
        #expect(token.hasPrefix("v1."))
        #expect(signer.verify(token, scope: "channels", now: Self.now + 10) == .success(claims))
        #expect(claims.identity(address: "198.51.100.4") == Identity(user: "agent ü/7", provider: "Jmeno CRM", address: "198.51.100.4", expires: claims.expires))
    }

    @Test func pythonMintedTokenVerifiesAndMatches() throws {
        let minted = try ExternalTool.pythonSessionToken(key: Self.key, claims)
        #expect(minted == signer.issue(claims))
        #expect(signer.verify(minted, scope: "channels", now: Self.now) == .success(claims))
        let plain = SessionClaims(user: "alice", provider: "", scope: "lastcaller", issued: 0, expires: 99_999_999_999)
        #expect(signer.verify(try ExternalTool.pythonSessionToken(key: Self.key, plain), scope: "lastcaller", now: Self.now) == .success(plain))
    }

    /// Pinned bytes, so a change of format shows up here.
    @Test func knownToken() {
        let plain = SessionClaims(user: "alice", provider: "password", scope: "lastcaller", issued: 1_700_000_000, expires: 1_700_003_600)
        #expect(signer.issue(plain).hasPrefix("v1.YWxpY2UKcGFzc3dvcmQKbGFzdGNhbGxlcgoxNzAwMDAwMDAwCjE3MDAwMDM2MDA."))
    }

    @Test func tamperedPayloadIsBadSignature() throws {
        let token = signer.issue(claims)
        var parts = token.split(separator: ".").map(String.init)
        let first = parts[1].first == "A" ? "B" : "A"
        parts[1] = first + parts[1].dropFirst()
        #expect(signer.verify(parts.joined(separator: "."), scope: "channels", now: Self.now) == .failure(.badSignature))
        // A payload re-signed with another key.
        let forged = try ExternalTool.pythonSessionToken(key: Array(repeating: 7, count: 32), claims)
        #expect(signer.verify(forged, scope: "channels", now: Self.now) == .failure(.badSignature))
    }

    @Test func tamperedMACIsBadSignature() {
        let token = signer.issue(claims)
        var parts = token.split(separator: ".").map(String.init)
        let first = parts[2].first == "A" ? "B" : "A"
        parts[2] = first + parts[2].dropFirst()
        #expect(signer.verify(parts.joined(separator: "."), scope: "channels", now: Self.now) == .failure(.badSignature))
    }

    @Test func wrongScope() {
        #expect(signer.verify(signer.issue(claims), scope: "lastcaller", now: Self.now) == .failure(.wrongScope))
    }

    @Test func expiryAndIssueTime() {
        let token = signer.issue(claims)
        #expect(signer.verify(token, scope: "channels", now: Self.now + 3599) == .success(claims))
        #expect(signer.verify(token, scope: "channels", now: Self.now + 3600) == .failure(.expired))
        #expect(signer.verify(token, scope: "channels", now: Self.now - 30) == .success(claims))
        #expect(signer.verify(token, scope: "channels", now: Self.now - 31) == .failure(.notYetValid))
    }

    @Test func malformedTokens() {
        let token = signer.issue(claims)
        let parts = token.split(separator: ".").map(String.init)
        #expect(signer.verify("", scope: "channels", now: Self.now) == .failure(.missingCredential))
        #expect(signer.verify("v2." + parts[1] + "." + parts[2], scope: "channels", now: Self.now) == .failure(.malformed("not a v1 session token")))
        #expect(signer.verify("v1." + parts[1], scope: "channels", now: Self.now) == .failure(.malformed("not a v1 session token")))
        #expect(signer.verify(token + "=", scope: "channels", now: Self.now) == .failure(.malformed("session token is not base64url")))
        #expect(signer.verify(token + ".x", scope: "channels", now: Self.now) == .failure(.malformed("not a v1 session token")))
        #expect(signer.verify(String(token.dropLast(2)), scope: "channels", now: Self.now) == .failure(.malformed("session token is not base64url")))
        #expect(signer.verify("v1." + String(repeating: "A", count: 5000) + ".A", scope: "channels", now: Self.now) == .failure(.malformed("session token too long")))
    }

    @Test func signedButUnparseablePayloadIsMalformed() throws {
        let bad = SessionClaims(user: "alice", provider: "", scope: "channels", issued: Self.now, expires: Self.now + 60)
        let minted = try ExternalTool.pythonSessionToken(key: Self.key, bad)
        // Python with a leading-zero expiry: signed correctly, refused by the payload rules.
        let script = """
            import sys, hmac, hashlib, base64
            b64u = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
            signed = b"v1." + b64u(b"alice\\n\\nchannels\\n1700000000\\n01700000060")
            sys.stdout.write((signed + b"." + b64u(hmac.new(bytes(range(32)), signed, hashlib.sha256).digest())).decode())
            """
        #expect(signer.verify(minted, scope: "channels", now: Self.now) == .success(bad))
        #expect(signer.verify(try ExternalTool.python(script), scope: "channels", now: Self.now) == .failure(.malformed("session token payload")))
    }

    @Test func shortKeyIsRefused() {
        #expect(SessionTokenSigner(key: Array(repeating: 1, count: 31)) == nil)
        #expect(!signer.description.contains("000102"))
    }
}
