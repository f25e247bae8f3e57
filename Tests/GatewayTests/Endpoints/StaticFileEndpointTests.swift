import Testing
@testable import Gateway

@Suite struct StaticFileEndpointTests {
    private typealias T = EndpointTestSupport

    @Test func withoutStaticFilesEveryPathIs404() throws {
        let context = try T.context(#"{"static":{"enabled":false}}"#)
        for method in ["GET", "POST"] {
            let answer = try #require(StaticFileEndpoint(context: context, request: T.request(method, "/index.html")).respond().answer)
            #expect(answer.status == 404 && answer.text == "not found\n" && answer.keepAlive)
        }
    }

    @Test func otherMethodsAre405AndPlainHTTPIsRedirectedWhenAsked() throws {
        let context = try T.context()
        let post = try #require(StaticFileEndpoint(context: context, request: T.request("POST", "/index.html")).respond().answer)
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        context.redirectPort = 8443
        let redirected = try #require(StaticFileEndpoint(context: context, request: T.request("GET", "/a/b?c=1")).respond().answer)
        #expect(redirected.status == 301 && redirected.header("Location") == "https://gateway.example:8443/a/b?c=1")
        let overTLS = try #require(StaticFileEndpoint(context: context, request: T.request("GET", "/no-such-file", tls: true)).respond().answer)
        #expect(overTLS.status == 404)
        let traversal = try #require(StaticFileEndpoint(context: context, request: T.request("GET", "/%2e%2e/etc/passwd", tls: true)).respond().answer)
        #expect(traversal.status == 400 || traversal.status == 404)
    }
}
