// fuzz-options: -max_len=4096
import FuzzSupport
import LastCallersWidget
import AuthSchemes
import WSFraming

/// Credentials a browser, a CRM or a desk client presents: Callgate session tokens
/// (`SessionTokenSigner`) and widget tokens, docs/compatibility.md §1.10 SSO tokens (`SSOVerifier`), Basic
/// credentials (RFC 7617), and where the gate finds them (`GateCredential`: bearer header,
/// cookie, first message). Input: lines `token`, `user`, `provider`, `scope`, a byte of time
/// offsets, then the rest as a first message (JSON).
///
/// Properties:
/// - a session token verifies only if it is exactly what the signer issues for its claims (one
///   accepted text per claims), within its scope and times, and never under another key;
/// - claims from the input, issued, verify to the same claims; with another scope they do not,
///   and neither does the token with its last character changed;
/// - an SSO token verifies only for its user, and only if it is the token the docs/compatibility.md §1.10 formula
///   gives for the provider's secret (padded or not); never with other secrets; a token made
///   from the input's user verifies;
/// - Basic credentials that parse, written again, parse to the same credentials, and so do the
///   input's user and password when they are valid credentials;
/// - a bearer header and a cookie give back the token put in them; a first message is a
///   credential only if it is a JSON object of the documented shape carrying that token.
@main enum TokensFuzz {
    static func main() { Fuzzer.run(test) }

    static let now: Int64 = 1_700_000_000
    static let signer = SessionTokenSigner(key: Array(repeating: 0x42, count: 32))!
    static let otherSigner = SessionTokenSigner(key: Array(repeating: 0x43, count: 32))!
    static let ssoSecrets: [String: [UInt8]] = ["*": Array("default-secret".utf8), "CRM": Array("crm-secret".utf8)]
    static let sso = SSOVerifier(secrets: ssoSecrets)
    static let otherSSO = SSOVerifier(secrets: ["*": Array("another".utf8), "CRM": Array("crm-secret!".utf8)])

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let token = input.text()
        let user = input.text()
        let provider = input.text()
        let scope = input.text()
        let times = input.byte()
        let firstMessage = input.remaining()

        sessionTokens(token: token, claims: SessionClaims(
            user: user, provider: provider, scope: scope,
            issued: now - Int64(times & 0x0F), expires: now + 1 + Int64(times >> 4)))
        ssoTokens(token: token, user: user, provider: provider, age: Int64(times))
        basic(token: token, user: user, password: provider)
        gate(token: token, firstMessage: firstMessage)
    }

    static func sessionTokens(token: String, claims: SessionClaims) {
        if case .success(let verified) = signer.verify(token, scope: claims.scope, now: now) {
            requireEqual(signer.issue(verified), token, "a verified token against the one issued for its claims")
            requireEqual(verified.scope, claims.scope, "scope")
            require(now < verified.expires && verified.issued <= now + signer.clockSkewSeconds, "times of \(verified)")
        }
        if case .success = otherSigner.verify(token, scope: claims.scope, now: now) {
            require(false, "a token verified under another key")
        }
        if case .success(let widget) = WidgetToken.verify(signer: signer, token: token, now: now) {
            requireEqual(widget.scope, WidgetToken.scope, "the scope of a widget token")
        }

        let issued = signer.issue(claims)
        guard issued.utf8.count <= SessionTokenSigner.maxTokenLength else { return }
        requireEqual(signer.verify(issued, scope: claims.scope, now: now), .success(claims), "claims issued and verified")
        requireEqual(signer.verify(issued, scope: claims.scope + "x", now: now), .failure(.wrongScope), "another scope")
        require(otherSigner.verify(issued, scope: claims.scope, now: now) == .failure(.badSignature), "another key")
        var altered = Array(issued.utf8)
        altered[altered.count - 1] = altered[altered.count - 1] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        if case .success = signer.verify(String(decoding: altered, as: UTF8.self), scope: claims.scope, now: now) {
            require(false, "a token with its last character changed verified")
        }
        let widget = WidgetToken.issue(signer: signer, user: claims.user, now: now)
        if widget.utf8.count <= SessionTokenSigner.maxTokenLength,
           case .failure(let error) = WidgetToken.verify(signer: signer, token: widget, now: now) {
            require(false, "a widget token issued and refused: \(error)")
        }
    }

    static func ssoTokens(token: String, user: String, provider: String, age: Int64) {
        if case .success(let verified) = sso.verify(username: user, token: token, provider: provider, now: now) {
            requireEqual(verified.user, user, "the user of a verified SSO token")
            let secret = ssoSecrets[provider] ?? ssoSecrets["*"]!
            let made = SSOVerifier.makeToken(secret: secret, username: user, timestamp: verified.timestamp)
            require(token == made || token == String(made.prefix { $0 != "=" }),
                    "a verified SSO token \(token) is not the formula's \(made)")
        }
        if case .success = otherSSO.verify(username: user, token: token, provider: provider, now: now) {
            require(false, "an SSO token verified with other secrets")
        }

        guard !user.isEmpty, user.utf8.count <= 700 else { return }
        let secret = ssoSecrets[provider] ?? ssoSecrets["*"]!
        let made = SSOVerifier.makeToken(secret: secret, username: user, timestamp: now - age)
        for form in [made, String(made.prefix { $0 != "=" })] {
            guard case .success(let verified) = sso.verify(username: user, token: form, provider: provider, now: now) else {
                require(false, "an SSO token made for \(user) refused: \(sso.verify(username: user, token: form, provider: provider, now: now))")
                return
            }
            requireEqual(verified.timestamp, now - age, "timestamp")
        }
        if case .success = sso.verify(username: user + "x", token: made, provider: provider, now: now) {
            require(false, "an SSO token verified for another user")
        }
    }

    static func basic(token: String, user: String, password: String) {
        if case .success(let credentials)? = BasicCredentials.parse(authorization: token) {
            require(!credentials.user.isEmpty && !credentials.user.utf8.contains(0x3A), "user \(credentials.user)")
            requireEqual(BasicCredentials.parse(authorization: credentials.authorization), .success(credentials),
                         "Basic credentials written again")
        }
        let valid = !user.isEmpty && !user.utf8.contains(0x3A)
            && !(user + password).unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        let credentials = BasicCredentials(user: user, password: password)
        if valid, credentials.authorization.utf8.count <= BasicCredentials.maxEncodedLength + 6 {
            requireEqual(BasicCredentials.parse(authorization: credentials.authorization), .success(credentials),
                         "the input's credentials")
        }
    }

    static func gate(token: String, firstMessage: UnsafeRawBufferPointer) {
        // Without SP and HTAB around it, byte by byte (header values are bytes, RFC 9110 §5.5).
        let isOWS: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let bytes = Array(token.utf8)
        let bare = Array(bytes.drop(while: isOWS).reversed().drop(while: isOWS).reversed())
        if !bare.isEmpty {
            let expected = String(decoding: bare, as: UTF8.self)
            requireEqual(GateCredential.bearerToken("Bearer " + token), expected, "a bearer token")
            requireEqual(GateCredential.fromUpgrade(query: "room=1", headers: ["Authorization": "bearer " + token]),
                         .session(token: expected), "the upgrade's bearer token")
            if !bare.contains(UInt8(ascii: ";")) && !(bare.count >= 2 && bare.first == 0x22 && bare.last == 0x22) {
                requireEqual(GateCredential.cookie(named: GateCredential.cookieName, in: "a=1; callgate_session=" + token),
                             expected, "a cookie")
            }
        }
        switch GateCredential.fromFirstMessage(firstMessage) {
        case .success(let credential):
            guard case .object(let members) = requireAcceptedJSON(Array(firstMessage), "an accepted first message") else {
                require(false, "a first message that is not an object accepted")
                return
            }
            switch credential {
            case .session(let value):
                requireEqual(members["type"], .string("auth"), "type")
                requireEqual(members["token"], .string(value), "token")
            case .sso(let username, let value, _):
                requireEqual(members["type"], .string("sso"), "type")
                requireEqual(members["username"], .string(username), "username")
                requireEqual(members["token"], .string(value), "token")
            }
        case .failure:
            break
        }
    }
}
