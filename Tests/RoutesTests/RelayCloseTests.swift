import Testing
import WSFraming
@testable import Routes

/// RFC 6455 §7.4: which codes cross a relay as they are, and which are translated.
@Suite struct RelayCloseTests {
    @Test func upstreamCodesTowardsTheBrowser() {
        #expect(RelayClose.towardsBrowser(nil).code == .badGateway)
        #expect(RelayClose.towardsBrowser(ClosePayload(code: .goingAway, reason: "bye")) == ClosePayload(code: .serviceRestart, reason: "bye"))
        #expect(RelayClose.towardsBrowser(ClosePayload(code: .serviceRestart)).code == .serviceRestart)
        #expect(RelayClose.towardsBrowser(ClosePayload(code: .abnormalClosure)).code == .badGateway)
        #expect(RelayClose.towardsBrowser(ClosePayload(code: nil, reason: "")) == ClosePayload(code: nil))
        #expect(RelayClose.towardsBrowser(ClosePayload(code: CloseCode(4321), reason: "app")) == ClosePayload(code: CloseCode(4321), reason: "app"))
        #expect(RelayClose.towardsBrowser(ClosePayload(code: .policyViolation)).code == .policyViolation)
    }

    @Test func browserCodesTowardsTheUpstream() {
        #expect(RelayClose.towardsUpstream(nil).code == .goingAway)
        #expect(RelayClose.towardsUpstream(ClosePayload(code: nil)) == ClosePayload(code: nil))
        #expect(RelayClose.towardsUpstream(ClosePayload(code: CloseCode(3001), reason: "x")) == ClosePayload(code: CloseCode(3001), reason: "x"))
        #expect(RelayClose.towardsUpstream(ClosePayload(code: .normalClosure)).code == .normalClosure)
    }
}
