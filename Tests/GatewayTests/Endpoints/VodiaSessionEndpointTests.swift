import Glibc
import Testing
@testable import Gateway

@Suite struct VodiaSessionEndpointTests {
    private typealias T = EndpointTestSupport

    private func respond(_ context: ServerContext, _ query: String, method: String = "GET") -> EndpointAction {
        VodiaSessionEndpoint(context: context, request: T.request(method, "/makecall/session?" + query)).respond()
    }

    @Test func headIsRefusedWithoutUsingTheLinkAndAMissingNumberIs400() throws {
        let context = try T.context()
        let head = try #require(respond(context, "destnumber=%2B420602123456", method: "HEAD").answer)
        #expect(head.status == 405 && head.headOnly && head.header("Allow") == "GET")
        let missing = try #require(respond(context, "user=alice").answer)
        #expect(missing.status == 400 && missing.header("Content-Type") == "application/json")
        #expect(missing.text.contains(#""code":"#))
    }

    /// A wrong `pass` is 401 even when the number would be refused too: the number plan is read
    /// only after the credentials.
    @Test func aWrongPassIs401BeforeTheNumberPlan() throws {
        let context = try T.context()
        let now = Int64(time(nil))
        for number in ["%2B420602123456", "12"] {
            let answer = try #require(respond(context, "destnumber=\(number)&user=alice&pass=0123456789abcdef0123456789abcdef&time=\(now)&duration=60").answer)
            #expect(answer.status == 401 && answer.header("WWW-Authenticate") == #"Bearer realm="callgate""#)
            #expect(answer.text.contains(#""code":"badSignature""#))
        }
        let noCredential = try #require(respond(context, "destnumber=%2B420602123456").answer)
        #expect(noCredential.status == 401)
    }
}
