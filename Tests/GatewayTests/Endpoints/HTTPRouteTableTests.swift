import Testing
@testable import Gateway

@Suite struct HTTPRouteTableTests {
    private typealias T = EndpointTestSupport

    private func endpoint(_ context: ServerContext, _ target: String) -> any HTTPEndpoint {
        HTTPRouteTable.endpoint(for: T.request("GET", target), context: context)
    }

    @Test func eachPathGoesToItsEndpoint() throws {
        let context = try T.context()
        #expect(endpoint(context, "/admin/agents") is AdminEndpoint)
        #expect(endpoint(context, "/?action=make_call&target=1") is ClickToCallEndpoint)
        #expect(endpoint(context, "/") is StaticFileEndpoint)
        #expect(endpoint(context, "/action?action=inbound") is DeviceActionEndpoint)
        #expect(endpoint(context, "/lastcaller/") is LastCallersEndpoint)
        #expect(endpoint(context, "/lastcaller/tokengen/token") is LastCallersEndpoint)
        #expect(endpoint(context, "/session/cookie") is SessionCookieEndpoint)
        #expect(endpoint(context, "/makecall/session") is VodiaSessionEndpoint)
        for path in ProbeEndpoint.paths { #expect(endpoint(context, path) is ProbeEndpoint) }
        #expect(endpoint(context, "/status.json") is StatusEndpoint)
        #expect(endpoint(context, "/anything/else.css") is StaticFileEndpoint)
    }

    @Test func upgradesAreEndpointsToo() throws {
        let context = try T.context(#"{"echoPaths":["/echo"]}"#)
        #expect(endpoint(context, "/echo") is EchoEndpoint)
        let route = try #require(endpoint(context, "/ws") as? RouteUpgradeEndpoint, "/ws is the agent route")
        #expect(route.route.path == "/ws")
        #expect((endpoint(context, "/report") as? RouteUpgradeEndpoint)?.route.channel == "report")
    }

    @Test func clickToCallTurnedOffLeavesItsPathsToStaticFiles() throws {
        let context = try T.context(#"{"clickToCall":{"enabled":false}}"#)
        #expect(endpoint(context, "/?action=make_call&target=1") is StaticFileEndpoint)
    }
}
