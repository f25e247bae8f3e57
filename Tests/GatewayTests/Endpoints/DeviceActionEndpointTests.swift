import Testing
@testable import Gateway

@Suite struct DeviceActionEndpointTests {
    private typealias T = EndpointTestSupport

    @Test func onlyGetIsTaken() throws {
        let context = try T.context()
        let post = try #require(DeviceActionEndpoint(context: context, request: T.request("POST", "/action?action=inbound")).respond().answer)
        #expect(post.status == 405 && post.header("Allow") == "GET" && !post.keepAlive)
    }

    @Test func aBadQueryIs400AndAStrangerIs401() throws {
        let context = try T.context(#"{"actionURLs":{"deviceAddresses":["198.51.100.9"]}}"#)
        let noAction = try #require(DeviceActionEndpoint(context: context, request: T.request("GET", "/action?local_party=2001", peer: "198.51.100.9")).respond().answer)
        #expect(noAction.status == 400)
        let good = "/action?action=inbound&local_party=2001&call_guid=g1&remote_party=%2B420602123456"
        let stranger = try #require(DeviceActionEndpoint(context: context, request: T.request("GET", good)).respond().answer)
        #expect(stranger.status == 401 && stranger.header("WWW-Authenticate") == #"Bearer realm="callgate""#)
        // With device addresses configured, loopback is a stranger too.
        #expect(DeviceActionEndpoint(context: context, request: T.request("GET", good, peer: "127.0.0.1")).respond().answer?.status == 401)
        #expect(DeviceActionEndpoint(context: context, request: T.request("GET", good, peer: "198.51.100.9")).respond().asksHub)
    }
}
