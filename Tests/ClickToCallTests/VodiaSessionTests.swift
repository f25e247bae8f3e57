import Testing
@testable import ClickToCall
import TestSupport
@testable import AgentProtocol
@testable import AuthSchemes

/// The session a Vodia popup link opens: its token claims, read back from a signed token, and
/// what the restriction lets through (docs/click-to-call.md §3).
@Suite struct VodiaSessionTests {
    static let secret = Array("DEMO-ONLY-alice-link-secret".utf8)
    static let time: Int64 = 1_700_000_000

    private func verified(_ dest: String, duration: Int64 = 600) throws -> VerifiedVodiaLink {
        let query = VodiaLinkVerifier.query(destination: dest, user: "alice", secret: Self.secret, time: Self.time, duration: duration)
        let link = try VodiaLink.parse(query: query).get()
        return try VodiaLinkVerifier().verify(link, secret: Self.secret, now: Self.time + 5).get()
    }

    @Test func claimsCarryTheNumberAndTheLinksEnd() throws {
        let link = try verified("602 123 456", duration: 900)
        let claims = VodiaSession.claims(for: link, number: try link.number(numbering: Plans.czechia).get(), user: "alice",
                                         issued: Self.time + 5)
        #expect(claims == SessionClaims(user: "alice", provider: "makecall:+420602123456", scope: "makecall",
                                        issued: Self.time + 5, expires: Self.time + 900))
        // Through a real token: only the makecall scope reads it back.
        let signer = try #require(SessionTokenSigner(key: Array(repeating: 7, count: 32)))
        let token = signer.issue(claims)
        #expect(signer.verify(token, scope: "channels", now: Self.time + 10) == .failure(.wrongScope))
        #expect(signer.verify(token, scope: "ws", now: Self.time + 10) == .failure(.wrongScope))
        let read = try signer.verify(token, scope: VodiaSession.scope, now: Self.time + 10).get()
        #expect(VodiaSession(claims: read)?.number == "+420602123456")
        #expect(signer.verify(token, scope: VodiaSession.scope, now: Self.time + 900) == .failure(.expired))

        let internalLink = try verified("2001")
        let number = try internalLink.number(numbering: Plans.czechia).get()
        #expect(VodiaSession.claims(for: internalLink, number: number, user: "alice", issued: Self.time).provider == "makecall:2001")
    }

    @Test func onlyMakecallClaimsWithANumberAreRestrictions() {
        func claims(_ provider: String, _ scope: String) -> SessionClaims {
            SessionClaims(user: "alice", provider: provider, scope: scope, issued: 0, expires: 1)
        }
        #expect(VodiaSession(claims: claims("makecall:+420602123456", "makecall"))?.number == "+420602123456")
        #expect(VodiaSession(claims: claims("makecall:+420602123456", "channels")) == nil)
        #expect(VodiaSession(claims: claims("password", "makecall")) == nil)
        #expect(VodiaSession(claims: claims("makecall:", "makecall")) == nil)
    }

    @Test func restrictsMethodsTheNumberAndTheCall() throws {
        let session = VodiaSession(number: try verified("+420 602 123 456").number(numbering: Plans.czechia).get())
        let plan = Plans.czechia
        func refusal(_ command: AgentCommand, call: String? = nil) -> String? {
            guard case .failed(let code, let text)? = session.refusal(command, numbering: plan, currentCallNumber: { call }) else {
                return nil
            }
            #expect(code == "restricted")
            return text
        }
        // The number in any spelling the plan reads as it.
        for spelling in ["+420602123456", "602123456", "602 123 456", "00420 602-123-456", "+420 (602) 123 456"] {
            #expect(refusal(.dial(DialParams(number: spelling))) == nil, "\(spelling)")
        }
        let other = "a session opened by a click-to-call link may call only +420602123456"
        for number in ["602123457", "+421602123456", "2001", "0800 CALL ME", "602123456#"] {
            #expect(refusal(.dial(DialParams(number: number))) == other, "\(number)")
        }
        #expect(refusal(.hangup) == nil)
        #expect(refusal(.dtmf(digits: "1#"), call: "+420 602 123 456") == nil)
        #expect(refusal(.hangup, call: "777000111") == "a session opened by a click-to-call link controls only its call to +420602123456")
        #expect(refusal(.dtmf(digits: "1"), call: "2002") != nil)
        for command: AgentCommand in [.state, .ack(seq: 1), .attach(lastSeq: 0, token: nil, tab: nil), .ping, .provision, .identify,
                                      .selectIdentifier(identifier: "web-alice")] {
            #expect(refusal(command) == nil, "\(command)")
        }
        for command: AgentCommand in [.logout, .answer, .transfer(number: "602123456"), .blindTransfer(number: "602123456"),
                                      .changeStatus(status: .aux, reason: nil), .hold, .mute,
                                      .callHistory(CallHistoryQuery(filter: nil)),
                                      .notify(NotifyParams(title: "x", type: .info, unique: false, timeout: nil, boundState: nil,
                                                           group: nil, other: nil))] {
            #expect(refusal(command) == "a session opened by a click-to-call link cannot use \(command.method.rawValue)")
        }
        #expect(VodiaSession.methods.count == 10)
    }
}
