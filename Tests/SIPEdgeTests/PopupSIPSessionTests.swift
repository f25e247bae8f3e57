import SIP
import Testing
@testable import ClickToCall
@testable import SIPEdge
import TestSupport
@testable import AuthSchemes

/// The click-to-call popup's SIP session (docs/click-to-call.md §3.4): its token, the one number
/// it may call (`SIPCallRestriction` in `SIPGate`), and one live session per link (`VodiaLinkLeases`).
@Suite struct PopupSIPSessionTests {
    static let secret = Array("DEMO-ONLY-alice-link-secret".utf8)
    static let time: Int64 = 1_700_000_000

    private func verified(_ dest: String, time: Int64 = Self.time, duration: Int64 = 600) throws -> VerifiedVodiaLink {
        let query = VodiaLinkVerifier.query(destination: dest, user: "alice", secret: Self.secret, time: time, duration: duration)
        return try VodiaLinkVerifier().verify(try VodiaLink.parse(query: query).get(), secret: Self.secret, now: time + 5).get()
    }

    @Test func theTokenCarriesNumberAndLinkAndOpensNothingElse() throws {
        let link = try verified("602 123 456")
        let key = PopupSIPSession.linkKey(link)
        #expect(key.utf8.count == 32 && key != MD5.hex(link.digest), "the key is not the link's pass")
        #expect(key == PopupSIPSession.linkKey(try verified("602 123 456")), "one link, one key")
        #expect(key != PopupSIPSession.linkKey(try verified("602 123 456", time: Self.time + 1)), "another link, another key")
        let session = PopupSIPSession(number: try link.number(numbering: Plans.czechia).get(), link: key)
        let claims = session.claims(user: "alice", issued: Self.time + 5, expires: link.expires)
        #expect(claims == SessionClaims(user: "alice", provider: "makecall:+420602123456#" + key, scope: "makecall-sip",
                                        issued: Self.time + 5, expires: Self.time + 600))
        let signer = try #require(SessionTokenSigner(key: Array(repeating: 9, count: 32)))
        let token = signer.issue(claims)
        for scope in ["channels", "ws", "sip", VodiaSession.scope] {
            #expect(signer.verify(token, scope: scope, now: Self.time + 10) == .failure(.wrongScope), "\(scope)")
        }
        let read = try signer.verify(token, scope: PopupSIPSession.scope, now: Self.time + 10).get()
        #expect(PopupSIPSession(claims: read) == session)
        #expect(VodiaSession(claims: read) == nil, "the agent hub's attach does not take it")
        // A signed-in user's popup: no link.
        let plain = PopupSIPSession(number: .internalExtension("2001"), link: nil)
        #expect(plain.claims(user: "bob", issued: 1, expires: 2).provider == "makecall:2001")
        #expect(PopupSIPSession(claims: plain.claims(user: "bob", issued: 1, expires: 2)) == plain)
    }

    @Test func malformedProvidersAndOtherScopesAreNoPopupSessions() {
        func session(_ provider: String, _ scope: String = "makecall-sip") -> PopupSIPSession? {
            PopupSIPSession(claims: SessionClaims(user: "alice", provider: provider, scope: scope, issued: 0, expires: 1))
        }
        #expect(session("makecall:2001")?.number == "2001")
        #expect(session("makecall:2001", "makecall") == nil)
        #expect(session("makecall:2001", "channels") == nil)
        #expect(session("password") == nil)
        #expect(session("makecall:") == nil)
        #expect(session("makecall:#" + String(repeating: "a", count: 32)) == nil)
        #expect(session("makecall:2001#abc") == nil, "a link key is 32 hex digits")
        #expect(session("makecall:2001#" + String(repeating: "g", count: 32)) == nil)
        #expect(session("makecall:2001#" + String(repeating: "0", count: 32))?.link == String(repeating: "0", count: 32))
    }

    @Test func oneLiveSessionPerLink() {
        var leases = VodiaLinkLeases()
        let first = leases.acquire("L1")
        #expect(first != nil && leases.isHeld("L1"))
        #expect(leases.acquire("L1") == nil, "a second popup of the same link waits")
        let other = leases.acquire("L2")
        #expect(other != nil && leases.count == 2, "other links are independent")
        leases.release(first!)
        #expect(!leases.isHeld("L1"))
        let again = leases.acquire("L1")
        #expect(again != nil && again != first, "free again once the first session ended")
        leases.release(first!) // a stale release: the first session's, after the link moved on
        #expect(leases.isHeld("L1"), "does not free the new holder's link")
        leases.release(again!)
        leases.release(other!)
        #expect(leases.count == 0)
    }
}

/// `SIPGate` with a popup's `SIPCallRestriction`: one number, no registration, no transfer.
@Suite struct SIPCallRestrictionTests {
    static let identity = try! SIPIdentity(parsing: "sip:bob@callgate.test")
    static let restriction = SIPCallRestriction(session: PopupSIPSession(number: .external("+420602123456"), link: nil),
                                                numbering: Plans.czechia)
    static let gate = SIPGate(user: "bob", identity: identity, limits: SIPLimits(), restriction: restriction)

    static func request(_ method: String, _ uri: String, toTag: String? = nil, cseqMethod: String? = nil) -> [UInt8] {
        SIPGateTests.message(["\(method) \(uri) SIP/2.0", "Via: SIP/2.0/WSS x1.invalid;branch=z9hG4bK7", "Max-Forwards: 70",
                              "To: <\(method == "REGISTER" ? "sip:bob@callgate.test" : uri)>" + (toTag.map { ";tag=" + $0 } ?? ""),
                              "From: <sip:bob@callgate.test>;tag=f1", "Call-ID: p1", "CSeq: 1 \(cseqMethod ?? method)",
                              "Contact: <sip:bob@x1.invalid;transport=ws;ob>", "Content-Length: 0", ""])
    }

    /// The gate's 403 reason for `bytes`, or nil when it forwards them.
    func refused(_ bytes: [UInt8]) -> String? {
        switch Self.gate.inspect(bytes, toTag: { "t9" }) {
        case .forward: return nil
        case .answer(let response, let refusal):
            #expect(refusal.event == "sip_restricted" && refusal.status == 403)
            let parsed = try? SIPResponse(try SIPMessage.parse(response, limits: SIPLimits()), limits: SIPLimits())
            #expect(parsed?.status == 403 && parsed?.headers.callID == "p1")
            return refusal.reason
        case .discard(let refusal): return "discarded: " + refusal.reason
        default: return "closed"
        }
    }

    @Test func anInviteToTheNumberInAnySpellingPasses() {
        for uri in ["sip:+420602123456@callgate.test;user=phone", "sip:602123456@callgate.test", "sip:00420602123456@callgate.test",
                    "sip:%2B420602123456@callgate.test", "sips:602-123-456@pbx.example.com"] {
            #expect(refused(Self.request("INVITE", uri)) == nil, "\(uri)")
        }
    }

    @Test func anInviteToAnotherNumberIsAnswered403() {
        let only = "a session opened by a click-to-call link may call only +420602123456"
        for uri in ["sip:602123457@callgate.test", "sip:2001@callgate.test", "sip:alice@callgate.test", "sip:callgate.test",
                    "tel:+420602123456", "sip:602123456%23@callgate.test"] {
            #expect(refused(Self.request("INVITE", uri)) == only, "\(uri)")
        }
    }

    @Test func noRegisterNoOtherRequestsNoTransfer() {
        #expect(refused(Self.request("REGISTER", "sip:callgate.test")) == "a session opened by a click-to-call link cannot register")
        for method in ["OPTIONS", "MESSAGE", "SUBSCRIBE", "REFER", "PUBLISH", "INFO"] {
            #expect(refused(Self.request(method, "sip:602123456@callgate.test")) == "a session opened by a click-to-call link cannot send \(method)")
        }
        #expect(refused(Self.request("REFER", "sip:602123456@callgate.test", toTag: "x")) == "a session opened by a click-to-call link cannot transfer its call")
        // An ACK is never answered: a refused one is dropped.
        #expect(refused(Self.request("ACK", "sip:2001@callgate.test", toTag: nil)) == nil, "an ACK belongs to an INVITE's transaction")
    }

    @Test func theCallGoesOnInsideItsDialog() {
        for method in ["INVITE", "BYE", "INFO", "UPDATE", "ACK"] {
            #expect(refused(Self.request(method, "sip:602123456@203.0.113.5;transport=ws", toTag: "callee1")) == nil, "\(method)")
        }
        #expect(refused(Self.request("CANCEL", "sip:602123456@callgate.test")) == nil)
        // The identity is checked first: another From is still refused as such.
        let forged = SIPGateTests.message(["INVITE sip:602123456@callgate.test SIP/2.0", "Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK8",
                                           "To: <sip:602123456@callgate.test>", "From: <sip:alice@callgate.test>;tag=f", "Call-ID: p2",
                                           "CSeq: 1 INVITE", "Content-Length: 0", ""])
        guard case .answer(_, let refusal) = Self.gate.inspect(forged, toTag: { "t" }) else {
            Issue.record("not answered")
            return
        }
        #expect(refusal.event == "sip_identity_refused")
    }
}
