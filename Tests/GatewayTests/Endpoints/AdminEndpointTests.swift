import Testing
@testable import Gateway

@Suite struct AdminEndpointTests {
    private typealias T = EndpointTestSupport

    @Test func withoutAKeyOnlyLoopbackClientsAreLetThrough() throws {
        let context = try T.context()
        let refused = AdminEndpoint(context: context, request: T.request("GET", "/admin/agents")).respond()
        let answer = try #require(refused.answer)
        #expect(answer.status == 401 && !answer.keepAlive)
        #expect(answer.header("WWW-Authenticate") == #"Bearer realm="callgate-admin""#)
        #expect(AdminEndpoint(context: context, request: T.request("GET", "/admin/agents", peer: "127.0.0.1")).respond().asksHub)
    }

    @Test func aKeyIsCheckedBeforeTheCommandIsParsed() throws {
        let context = try T.context(#"{"admin":{"apiKey":"sesame-sesame-sesame"}}"#)
        // Even from loopback, and even for a path that is no command: 401 first.
        for (target, peer) in [("/admin/agents", "127.0.0.1"), ("/admin/no-such-thing", "127.0.0.1")] {
            let wrong = T.request("GET", target, headers: [("Authorization", "Bearer wrong")], peer: peer)
            #expect(AdminEndpoint(context: context, request: wrong).respond().answer?.status == 401)
        }
        let keyed = [("Authorization", "Bearer sesame-sesame-sesame")]
        let unknown = try #require(AdminEndpoint(context: context, request: T.request("GET", "/admin/no-such-thing", headers: keyed)).respond().answer)
        #expect(unknown.status == 404 && unknown.header("Content-Type") == "application/json")
        #expect(AdminEndpoint(context: context, request: T.request("GET", "/admin/agents", headers: keyed)).respond().asksHub)
    }
}
