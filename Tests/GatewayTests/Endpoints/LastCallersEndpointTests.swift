import Testing
@testable import Gateway

@Suite struct LastCallersEndpointTests {
    private typealias T = EndpointTestSupport

    private func respond(_ context: ServerContext, _ target: String, method: String = "GET", headers: [(String, String)] = [],
                         peer: String = "192.0.2.7", tls: Bool = false) -> EndpointAction {
        LastCallersEndpoint(context: context, request: T.request(method, target, headers: headers, peer: peer, tls: tls)).respond()
    }

    /// The widget token first: a bad one is 401 whatever the rest of the query says.
    @Test func theWidgetChecksItsTokenBeforeTheQuery() throws {
        let context = try T.context()
        let none = try #require(respond(context, "/lastcaller/?vcallerid=%2B420602123456&format=json").answer)
        #expect(none.status == 401 && none.header("WWW-Authenticate") == #"Bearer realm="callgate""#)
        #expect(none.header("Referrer-Policy") == "no-referrer" && none.header("X-Content-Type-Options") == "nosniff")
        let forged = try #require(respond(context, "/lastcaller/?vcallerid=not-a-number&token=v1.forged").answer)
        #expect(forged.status == 401 && forged.header("WWW-Authenticate")?.contains("invalid_token") == true)
        #expect(forged.header("Content-Security-Policy") != nil)
        let post = try #require(respond(context, "/lastcaller/?token=x", method: "POST").answer)
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
    }

    @Test func theTokenEndpointRefusesPasswordsOverPlainHTTPFromElsewhere() throws {
        let context = try T.context()
        let basic = [("Authorization", "Basic YWxpY2U6c2VjcmV0")] // alice:secret
        let plain = try #require(respond(context, "/lastcaller/tokengen/token", headers: basic).answer)
        #expect(plain.status == 403 && plain.text.contains("insecureTransport"))
        #expect(respond(context, "/lastcaller/tokengen/token", headers: basic, tls: true).asksHub)
        #expect(respond(context, "/lastcaller/tokengen/token", headers: basic, peer: "127.0.0.1").asksHub)
        let none = try #require(respond(context, "/lastcaller/tokengen/token").answer)
        #expect(none.status == 401 && none.headers("WWW-Authenticate").count == 2)
        #expect(respond(context, "/lastcaller/tokengen/token", method: "POST").answer?.header("Allow") == "GET")
    }
}
