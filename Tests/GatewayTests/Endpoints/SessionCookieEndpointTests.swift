import Testing
@testable import Gateway

@Suite struct SessionCookieEndpointTests {
    private typealias T = EndpointTestSupport

    @Test func deleteRemovesTheCookieSecureOnlyOverTLS() throws {
        let context = try T.context()
        let plain = try #require(SessionCookieEndpoint(context: context, request: T.request("DELETE", "/session/cookie")).respond().answer)
        #expect(plain.status == 204)
        #expect(plain.header("Set-Cookie") == "callgate_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
        let secure = try #require(SessionCookieEndpoint(context: context, request: T.request("DELETE", "/session/cookie", tls: true)).respond().answer)
        #expect(secure.header("Set-Cookie")?.hasSuffix("; Secure") == true)
    }

    @Test func getNeedsAGoodBearerTokenAndOtherMethodsAre405() throws {
        let context = try T.context()
        let missing = try #require(SessionCookieEndpoint(context: context, request: T.request("GET", "/session/cookie")).respond().answer)
        #expect(missing.status == 401 && missing.header("WWW-Authenticate") == #"Bearer realm="callgate""#)
        #expect(missing.header("Set-Cookie") == nil)
        let forged = T.request("GET", "/session/cookie", headers: [("Authorization", "Bearer v1.forged.token")])
        #expect(SessionCookieEndpoint(context: context, request: forged).respond().answer?.status == 401)
        let put = try #require(SessionCookieEndpoint(context: context, request: T.request("PUT", "/session/cookie")).respond().answer)
        #expect(put.status == 405 && put.header("Allow") == "GET, DELETE")
    }
}
