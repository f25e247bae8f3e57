import Testing
@testable import Gateway

@Suite struct ProbeEndpointTests {
    private typealias T = EndpointTestSupport

    @Test func healthReadinessAndTheirMethods() throws {
        let context = try T.context()
        let health = try #require(ProbeEndpoint(context: context, request: T.request("GET", "/healthz")).respond().answer)
        #expect(health.status == 200 && health.text == "ok\n" && health.keepAlive && !health.headOnly)
        #expect(health.header("Cache-Control") == "no-store")
        let head = try #require(ProbeEndpoint(context: context, request: T.request("HEAD", "/healthz")).respond().answer)
        #expect(head.headOnly && head.header("Content-Length") == "3")
        let post = try #require(ProbeEndpoint(context: context, request: T.request("POST", "/readyz")).respond().answer)
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        #expect(ProbeEndpoint(context: context, request: T.request("GET", "/readyz")).respond().answer?.status == 200)
        context.draining.store(true, ordering: .relaxed)
        let draining = try #require(ProbeEndpoint(context: context, request: T.request("GET", "/readyz")).respond().answer)
        #expect(draining.status == 503 && draining.text == "draining\n")
        let metrics = try #require(ProbeEndpoint(context: context, request: T.request("GET", "/metrics")).respond().answer)
        #expect(metrics.status == 200 && metrics.header("Content-Type") == "text/plain; version=0.0.4")
    }

    @Test func statusAsksTheHubForGetAndHeadOnly() throws {
        let context = try T.context()
        #expect(StatusEndpoint(context: context, request: T.request("GET", "/status.json")).respond().asksHub)
        #expect(StatusEndpoint(context: context, request: T.request("DELETE", "/status.json")).respond().answer?.status == 405)
    }
}
