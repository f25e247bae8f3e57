import Testing
import HTTP1
import WSFraming
@testable import AuthSchemes

/// Where a browser's credential is found: the upgrade request (RFC 6750 §2.1 and §2.3,
/// RFC 6265 §5.4) or the first message.
@Suite struct GateCredentialTests {
    @Test func bearerHeaderComesFirst() {
        let headers: HTTPHeaders = ["Authorization": "Bearer v1.header", "Cookie": "callgate_session=v1.cookie"]
        #expect(GateCredential.fromUpgrade(query: "access_token=v1.query", headers: headers) == .session(token: "v1.header"))
        #expect(GateCredential.fromUpgrade(query: nil, headers: ["authorization": "bearer   v1.x "]) == .session(token: "v1.x"))
    }

    @Test func otherAuthorizationSchemesAreSkipped() {
        let headers: HTTPHeaders = ["Authorization": "Basic YWxpY2U6cHc=", "Authorization": "Bearer"]
        #expect(GateCredential.fromUpgrade(query: "access_token=v1.query", headers: headers) == .session(token: "v1.query"))
        #expect(GateCredential.fromUpgrade(query: nil, headers: ["Authorization": "Bearertoken"]) == nil)
    }

    @Test func accessTokenBeforeSSOParameters() {
        let query = "sso_username=alice&sso_token=abc&access_token=v1.q%2Ey"
        #expect(GateCredential.fromUpgrade(query: query, headers: [:]) == .session(token: "v1.q.y"))
    }

    @Test func ssoParametersAreFormDecoded() {
        let query = "sso_username=prihlasovaci.jmeno&sso_token=ab%2Bcd%3D&sso_provider=Jmeno+CRM&room=1"
        #expect(GateCredential.fromUpgrade(query: query, headers: [:])
                == .sso(username: "prihlasovaci.jmeno", token: "ab+cd=", provider: "Jmeno CRM"))
        #expect(GateCredential.fromUpgrade(query: "sso_username=a&sso_token=t", headers: [:])
                == .sso(username: "a", token: "t", provider: ""))
    }

    @Test func incompleteSSOFallsThroughToTheCookie() {
        let headers: HTTPHeaders = ["Cookie": "theme=dark; callgate_session=\"v1.c\"; other=1"]
        #expect(GateCredential.fromUpgrade(query: "sso_username=alice&sso_token=", headers: headers) == .session(token: "v1.c"))
        #expect(GateCredential.fromUpgrade(query: "access_token=", headers: headers) == .session(token: "v1.c"))
    }

    @Test func cookieParsing() {
        #expect(GateCredential.cookie(named: "callgate_session", in: "a=1;callgate_session=v1.x;b=2") == "v1.x")
        #expect(GateCredential.cookie(named: "callgate_session", in: "xcallgate_session=no; callgate_session=yes") == "yes")
        #expect(GateCredential.cookie(named: "callgate_session", in: "callgate_session") == nil)
        let split: HTTPHeaders = ["Cookie": "a=1", "Cookie": "callgate_session=v1.second"]
        #expect(GateCredential.fromUpgrade(query: nil, headers: split) == .session(token: "v1.second"))
    }

    /// Fuzz finding (issue 18): the scheme, the cookie list and OWS were read as Characters, so a
    /// combining mark merged with the space, `=` or `;` before it (U+035D after `Bearer `: no
    /// token). Header values are bytes (RFC 9110 §5.5).
    @Test func bearerAndCookieAreReadAsBytes() {
        #expect(GateCredential.bearerToken("Bearer \u{35D}x") == "\u{35D}x")
        #expect(GateCredential.bearerToken("bEaReR \t\u{301}") == "\u{301}")
        #expect(GateCredential.cookie(named: "callgate_session", in: "a=1; callgate_session=\u{301}v") == "\u{301}v")
        #expect(GateCredential.cookie(named: "callgate_session", in: "a=\u{35D};callgate_session=v1") == "v1")
        #expect(GateCredential.cookie(named: "callgate_session", in: "callgate_session= \u{301}\"v\"") == "\u{301}\"v\"")
    }

    @Test func nothingPresented() {
        #expect(GateCredential.fromUpgrade(query: nil, headers: [:]) == nil)
        #expect(GateCredential.fromUpgrade(query: "room=1", headers: ["Cookie": "callgate_session="]) == nil)
    }

    @Test func firstMessage() {
        #expect(GateCredential.fromFirstMessage(#"{"type":"auth","token":"v1.abc"}"#) == .success(.session(token: "v1.abc")))
        #expect(GateCredential.fromFirstMessage(#"{"type":"sso","username":"jiří","token":"ab+/=","provider":"Jmeno CRM","x":1}"#)
                == .success(.sso(username: "jiří", token: "ab+/=", provider: "Jmeno CRM")))
        #expect(GateCredential.fromFirstMessage(#"{"type":"sso","username":"a","token":"t"}"#)
                == .success(.sso(username: "a", token: "t", provider: "")))
    }

    @Test func badFirstMessages() {
        let cases: [(String, AuthError)] = [
            ("not json", .malformed("auth message is not a JSON object")),
            (#"["auth","t"]"#, .malformed("auth message is not a JSON object")),
            (#""auth""#, .malformed("auth message is not a JSON object")),
            (#"{"type":"login","token":"t"}"#, .malformed("auth message type")),
            (#"{"token":"t"}"#, .malformed("auth message type")),
            (#"{"type":"auth"}"#, .malformed("auth message without token")),
            (#"{"type":"auth","token":42}"#, .malformed("auth message without token")),
            (#"{"type":"auth","token":""}"#, .missingCredential),
            (#"{"type":"sso","token":"t"}"#, .malformed("sso message without username or token")),
            (#"{"type":"sso","username":"a","token":"t","provider":7}"#, .malformed("sso provider is not a string")),
            (#"{"type":"sso","username":"","token":"t"}"#, .missingCredential),
            (#"{"type":"auth","token":""# + String(repeating: "a", count: 8192) + #""}"#, .malformed("auth message too long")),
        ]
        for (text, error) in cases {
            #expect(GateCredential.fromFirstMessage(text) == .failure(error), "\(text.prefix(60))")
        }
    }
}

private extension GateCredential {
    static func fromFirstMessage(_ text: String) -> Result<GateCredential, AuthError> {
        Array(text.utf8).withUnsafeBytes { fromFirstMessage($0) }
    }
}
