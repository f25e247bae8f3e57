import Testing
import ClickToCall
@testable import Gateway

@Suite struct ClickToCallEndpointTests {
    private typealias T = EndpointTestSupport

    private func respond(_ context: ServerContext, _ target: String, peer: String = "192.0.2.7") throws -> EndpointAction {
        let request = T.request("GET", target, peer: peer)
        let dialect = try #require(ClickToCallDialect(path: request.head.path, query: request.head.query))
        return ClickToCallEndpoint(context: context, request: request, dialect: dialect).respond()
    }

    /// Issue 18: the credential is checked before the number plan and the directory, so that a
    /// stranger learns nothing about which numbers exist.
    @Test func theCallerIsRefusedBeforeTheNumberIsRead() throws {
        let context = try T.context(#"{"clickToCall":{"trustedAddresses":["198.51.100.9"],"apiKeys":[{"key":"crm-key-0123456789"}]}}"#)
        for target in ["/?action=make_call&target=%2B420602123456", "/?action=make_call&target=12"] {
            #expect(try respond(context, target).answer?.status == 401)
            #expect(try respond(context, target + "&key=wrong").answer?.status == 401)
        }
        // The same bad number from a trusted address is the number's fault.
        let badNumber = try #require(try respond(context, "/?action=make_call&target=12", peer: "198.51.100.9").answer)
        #expect(badNumber.status == 400 && !badNumber.keepAlive)
        #expect(try respond(context, "/?action=make_call&target=%2B420602123456", peer: "198.51.100.9").asksHub)
        #expect(try respond(context, "/?action=make_call&target=%2B420602123456&key=crm-key-0123456789").asksHub)
    }

    @Test func aMalformedQueryIsRefusedFirst() throws {
        let context = try T.context()
        let unknown = try #require(try respond(context, "/?action=make_call&target=%2B420602123456&bogus=1").answer)
        #expect(unknown.status == 400)
    }
}
