import Foundation
import Testing
import WSFraming
@testable import AuthSchemes
import TestSupport

/// docs/compatibility.md §1.10 SSO: `base64(sha1_raw(secret + username + timestamp) + username + timestamp)`.
/// Tokens come from the `openssl` command line, never from `SSOVerifier.makeToken`.
@Suite struct SSOTokenTests {
    static let now: Int64 = 1_700_000_000
    static let secret = "s3cret-preshared"
    let verifier = SSOVerifier(secrets: ["Jmeno CRM": Array(secret.utf8), "*": Array("default-secret".utf8)])

    /// The token, built by `openssl sha1 -binary` and `openssl base64 -A`.
    static func openSSLToken(secret: String, user: String, timestamp: Int64) throws -> String {
        try ExternalTool.shell(
            #"{ printf '%s%s%s' "$1" "$2" "$3" | openssl sha1 -binary; printf '%s%s' "$2" "$3"; } | openssl base64 -A"#,
            [secret, user, String(timestamp)])
    }

    static func sha1(_ text: String) throws -> [UInt8] {
        try ExternalTool.run("sh", ["-c", #"printf '%s' "$1" | openssl sha1 -binary"#, "sh", text])
    }

    static func reencoded(_ token: String, _ change: (inout [UInt8]) -> Void) -> String {
        var bytes = [UInt8](Data(base64Encoded: token)!)
        change(&bytes)
        return Data(bytes).base64EncodedString()
    }

    @Test func validTokenVerifies() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "prihlasovaci.jmeno", timestamp: Self.now - 10)
        let expected = VerifiedSSOToken(
            user: "prihlasovaci.jmeno", provider: "Jmeno CRM", timestamp: Self.now - 10, expires: Self.now + 290,
            digest: try Self.sha1(Self.secret + "prihlasovaci.jmeno" + String(Self.now - 10)))
        #expect(verifier.verify(username: "prihlasovaci.jmeno", token: token, provider: "Jmeno CRM", now: Self.now) == .success(expected))
        #expect(expected.identity(address: "192.0.2.7") == Identity(user: "prihlasovaci.jmeno", provider: "Jmeno CRM", address: "192.0.2.7"))
        #expect(SSOVerifier.makeToken(secret: Array(Self.secret.utf8), username: "prihlasovaci.jmeno", timestamp: Self.now - 10) == token)
    }

    @Test func nonASCIIUserNameIsUTF8() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "jiří", timestamp: Self.now)
        #expect(throws: Never.self) { try verifier.verify(username: "jiří", token: token, provider: "Jmeno CRM", now: Self.now).get() }
    }

    @Test func validityWindowBoundaries() throws {
        func check(_ timestamp: Int64) throws -> Result<Int64, AuthError> {
            let token = try Self.openSSLToken(secret: Self.secret, user: "alice", timestamp: timestamp)
            return verifier.verify(username: "alice", token: token, provider: "Jmeno CRM", now: Self.now).map(\.timestamp)
        }
        #expect(try check(Self.now - 300) == .success(Self.now - 300))
        #expect(try check(Self.now - 301) == .failure(.expired))
        #expect(try check(Self.now + 30) == .success(Self.now + 30))
        #expect(try check(Self.now + 31) == .failure(.notYetValid))
        #expect(CloseCode(AuthError.expired).rawValue == 4003)
    }

    @Test func tamperedDigestIsBadSignature() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "alice", timestamp: Self.now)
        let tampered = Self.reencoded(token) { $0[7] ^= 0x01 }
        #expect(verifier.verify(username: "alice", token: tampered, provider: "Jmeno CRM", now: Self.now) == .failure(.badSignature))
        let wrongSecret = try Self.openSSLToken(secret: "guess", user: "alice", timestamp: Self.now)
        #expect(verifier.verify(username: "alice", token: wrongSecret, provider: "Jmeno CRM", now: Self.now) == .failure(.badSignature))
    }

    @Test func tamperedUserNameIsBadSignature() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "alice", timestamp: Self.now)
        let tampered = Self.reencoded(token) { $0[24] = UInt8(ascii: "f") } // "alice" → "alicf"
        #expect(verifier.verify(username: "alicf", token: tampered, provider: "Jmeno CRM", now: Self.now) == .failure(.badSignature))
        let laterTimestamp = Self.reencoded(token) { $0[$0.count - 1] += 1 }
        #expect(verifier.verify(username: "alice", token: laterTimestamp, provider: "Jmeno CRM", now: Self.now) == .failure(.badSignature))
    }

    @Test func tokenForAnotherUserIsWrongUser() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "alice", timestamp: Self.now)
        #expect(verifier.verify(username: "bob", token: token, provider: "Jmeno CRM", now: Self.now) == .failure(.wrongUser))
        #expect(verifier.verify(username: "alice2", token: token, provider: "Jmeno CRM", now: Self.now) == .failure(.wrongUser))
    }

    /// `bob0` + `T` is byte-for-byte `bob` + `0T`: refused by the no-leading-zero rule.
    /// `bob1` + `T` read as `bob` + `1T` puts the timestamp centuries ahead.
    @Test func digitsMovedBetweenUserAndTimestampAreRefused() throws {
        let zero = try Self.openSSLToken(secret: Self.secret, user: "bob0", timestamp: Self.now)
        #expect(verifier.verify(username: "bob", token: zero, provider: "Jmeno CRM", now: Self.now) == .failure(.malformed("SSO timestamp out of range")))
        let one = try Self.openSSLToken(secret: Self.secret, user: "bob1", timestamp: Self.now)
        #expect(verifier.verify(username: "bob", token: one, provider: "Jmeno CRM", now: Self.now) == .failure(.notYetValid))
        #expect(try verifier.verify(username: "bob1", token: one, provider: "Jmeno CRM", now: Self.now).get().user == "bob1")
    }

    @Test func providerSecretsAndTheDefault() throws {
        let byDefault = try Self.openSSLToken(secret: "default-secret", user: "alice", timestamp: Self.now)
        #expect(try verifier.verify(username: "alice", token: byDefault, provider: "Other CRM", now: Self.now).get().provider == "Other CRM")
        #expect(try verifier.verify(username: "alice", token: byDefault, provider: "", now: Self.now).get().identity(address: "::1").provider == nil)
        // A configured provider uses its own secret, never the default.
        #expect(verifier.verify(username: "alice", token: byDefault, provider: "Jmeno CRM", now: Self.now) == .failure(.badSignature))

        let noDefault = SSOVerifier(secrets: ["Jmeno CRM": Array(Self.secret.utf8)])
        #expect(noDefault.verify(username: "alice", token: byDefault, provider: "Other CRM", now: Self.now) == .failure(.unknownProvider("Other CRM")))
        #expect(noDefault.verify(username: "alice", token: byDefault, provider: "", now: Self.now) == .failure(.unknownProvider("")))
        #expect(!noDefault.description.contains(Self.secret))
    }

    @Test func base64IsStrictButPaddingIsOptional() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "alice", timestamp: Self.now) // 35 bytes: one "="
        #expect(token.hasSuffix("=") && !token.hasSuffix("=="))
        let unpadded = String(token.dropLast())
        #expect(try verifier.verify(username: "alice", token: unpadded, provider: "Jmeno CRM", now: Self.now).get().user == "alice")
        for bad in [token + "=", " " + token, "A" + token, "_" + token.dropFirst(), "not base64!"] {
            #expect(verifier.verify(username: "alice", token: bad, provider: "Jmeno CRM", now: Self.now) == .failure(.malformed("SSO token is not base64")))
        }
        let short = Data(repeating: 0x41, count: 20).base64EncodedString()
        #expect(verifier.verify(username: "alice", token: short, provider: "Jmeno CRM", now: Self.now) == .failure(.malformed("SSO token too short")))
        let noTimestamp = Data(Array(repeating: 0, count: 20) + Array("alice".utf8)).base64EncodedString()
        #expect(verifier.verify(username: "alice", token: noTimestamp, provider: "Jmeno CRM", now: Self.now) == .failure(.malformed("SSO token has no timestamp")))
        let longTimestamp = Data(Array(repeating: 0, count: 20) + Array("alice1234567890123".utf8)).base64EncodedString()
        #expect(verifier.verify(username: "alice", token: longTimestamp, provider: "Jmeno CRM", now: Self.now) == .failure(.malformed("SSO timestamp out of range")))
        #expect(verifier.verify(username: "alice", token: String(repeating: "A", count: 1028), provider: "Jmeno CRM", now: Self.now) == .failure(.malformed("SSO token too long")))
        #expect(verifier.verify(username: "", token: token, provider: "Jmeno CRM", now: Self.now) == .failure(.missingCredential))
        #expect(verifier.verify(username: "alice", token: "", provider: "Jmeno CRM", now: Self.now) == .failure(.missingCredential))
    }

    // MARK: SSOReplayGuard

    static func verified(_ n: UInt8, expires: Int64) -> VerifiedSSOToken {
        VerifiedSSOToken(user: "u\(n)", provider: "", timestamp: expires - 300, expires: expires,
                         digest: [n] + Array(repeating: 0xAB, count: 19))
    }

    @Test func replayedTokenIsRefused() throws {
        let token = try Self.openSSLToken(secret: Self.secret, user: "alice", timestamp: Self.now)
        let verified = try verifier.verify(username: "alice", token: token, provider: "Jmeno CRM", now: Self.now).get()
        let again = try verifier.verify(username: "alice", token: String(token.dropLast()), provider: "Jmeno CRM", now: Self.now + 2).get()
        var replayGuard = SSOReplayGuard()
        let first = replayGuard.admit(verified, now: Self.now)
        let second = replayGuard.admit(verified, now: Self.now + 1)
        let unpadded = replayGuard.admit(again, now: Self.now + 2) // the same token, spelt without "="
        #expect([first, second, unpadded] == [true, false, false])
        #expect(replayGuard.count == 1)
    }

    @Test func guardForgetsAfterExpiry() {
        var replayGuard = SSOReplayGuard()
        let token = Self.verified(1, expires: Self.now + 300)
        let admitted = replayGuard.admit(token, now: Self.now)
        replayGuard.prune(now: Self.now + 300)
        let countInLastSecond = replayGuard.count
        replayGuard.prune(now: Self.now + 301)
        let countAfter = replayGuard.count
        let expiredAdmitted = replayGuard.admit(token, now: Self.now + 301) // expired tokens are never admitted
        #expect(admitted && !expiredAdmitted)
        #expect(countInLastSecond == 1)
        #expect(countAfter == 0)
    }

    @Test func guardPrunesOutOfOrderExpiries() {
        var replayGuard = SSOReplayGuard()
        let expiries: [Int64] = [50, 10, 40, 20, 30, 60, 5, 45]
        let admitted = expiries.enumerated().map { n, expires in
            replayGuard.admit(Self.verified(UInt8(n), expires: Self.now + expires), now: Self.now)
        }
        #expect(admitted.allSatisfy { $0 })
        replayGuard.prune(now: Self.now + 31)
        #expect(replayGuard.count == 4) // 50, 40, 60, 45 remain
        let forgotten = replayGuard.admit(Self.verified(1, expires: Self.now + 100), now: Self.now + 31) // had 10
        let remembered = replayGuard.admit(Self.verified(0, expires: Self.now + 50), now: Self.now + 31)
        #expect(forgotten && !remembered)
    }

    @Test func guardAtCapacityFailsClosed() {
        var replayGuard = SSOReplayGuard(capacity: 2)
        let one = replayGuard.admit(Self.verified(1, expires: Self.now + 10), now: Self.now)
        let two = replayGuard.admit(Self.verified(2, expires: Self.now + 20), now: Self.now)
        let full = replayGuard.isFull
        let refused = replayGuard.admit(Self.verified(3, expires: Self.now + 30), now: Self.now + 5)
        let afterExpiry = replayGuard.admit(Self.verified(3, expires: Self.now + 30), now: Self.now + 11) // 1 expired: room
        #expect([one, two, full, refused, afterExpiry] == [true, true, true, false, true])
        #expect(replayGuard.count == 2)
    }
}
