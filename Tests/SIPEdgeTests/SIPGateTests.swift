import SIP
import Testing
import WSFraming
@testable import SIPEdge

/// The `sip` route's decisions per browser message (docs/sip-edge.md §2).
@Suite struct SIPGateTests {
    static let gate = SIPGate(user: "alice", identity: try! SIPIdentity(parsing: "sip:alice@callgate.test"),
                              limits: SIPLimits(maxMessageBytes: 4_096, maxHeaders: 30, maxHeaderBytes: 1_024))

    static func message(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\r\n" }.joined().utf8) }

    static func invite(from: String = "<sip:alice@callgate.test>;tag=a1", extra: [String] = [], body: String = "") -> [UInt8] {
        message(["INVITE sip:bob@callgate.test SIP/2.0", "Via: SIP/2.0/WSS x1.invalid;branch=z9hG4bK1;rport", "Max-Forwards: 70",
                 "To: <sip:bob@callgate.test>", "From: \(from)", "Call-ID: c1", "CSeq: 1 INVITE",
                 "Contact: <sip:alice@x1.invalid;transport=ws;ob>"] + extra + ["Content-Length: \(body.utf8.count)", ""]) + Array(body.utf8)
    }

    func inspect(_ bytes: [UInt8]) -> SIPGate.Outcome { Self.gate.inspect(bytes) { "t1" } }

    @Test func theUsersRequestsGoUpstreamWithTheIdentityHeader() throws {
        guard case .forward(let bytes, _) = inspect(Self.invite(extra: ["X-Callgate-User: bob", "x-callgate-provider: forged"], body: "v=0\r\n")) else {
            Issue.record("not forwarded")
            return
        }
        let forwarded = try SIPMessage.parse(bytes, limits: SIPLimits())
        #expect(forwarded.fields(SIPHeaderName(SIPGate.identityHeader)).map(\.value) == ["alice"], "the browser's copy is replaced")
        #expect(forwarded.fields(SIPHeaderName("X-Callgate-Provider")).isEmpty)
        #expect(forwarded.startLine == "INVITE sip:bob@callgate.test SIP/2.0" && Array(forwarded.body) == Array("v=0\r\n".utf8))
        #expect(forwarded.fields.count == 9, "eight of the request and the one added")
    }

    @Test func anotherIdentityIsAnswered403AndNotForwarded() throws {
        guard case .answer(let bytes, let refusal) = inspect(Self.invite(from: "\"Bob\" <sip:bob@callgate.test>;tag=b1")) else {
            Issue.record("not answered")
            return
        }
        #expect(refusal == SIPGate.Refusal(event: "sip_identity_refused",
                                           reason: "INVITE From sip:bob@callgate.test is not sip:alice@callgate.test: this session is sip:alice@callgate.test",
                                           status: 403))
        let response = try SIPResponse(try SIPMessage.parse(bytes, limits: SIPLimits()), limits: SIPLimits())
        #expect(response.status == 403 && response.reasonPhrase == "Forbidden")
        #expect(response.headers.vias.first?.branch == "z9hG4bK1" && response.headers.callID == "c1")
        #expect(response.headers.cseq == SIPCSeq(number: 1, method: "INVITE"))
        #expect(response.headers.from.tag == "b1" && response.headers.to.tag == "t1")
    }

    @Test func registerOfAnotherUserIsAnswered403() throws {
        let register = Self.message(["REGISTER sip:callgate.test SIP/2.0", "Via: SIP/2.0/WSS x1.invalid;branch=z9hG4bK2",
                                     "To: <sip:bob@callgate.test>", "From: <sip:alice@callgate.test>;tag=r1", "Call-ID: r", "CSeq: 1 REGISTER",
                                     "Contact: <sip:alice@x1.invalid;transport=ws>;expires=600", "Content-Length: 0", ""])
        guard case .answer(_, let refusal) = inspect(register) else {
            Issue.record("not answered")
            return
        }
        #expect(refusal.status == 403 && refusal.reason.hasPrefix("REGISTER To sip:bob@callgate.test"))
    }

    @Test func invalidRequestsAreAnsweredWithTheirStatus() {
        // 400: a Via that breaks its grammar; 505: another version; 513: past maxMessageBytes.
        let cases: [([UInt8], Int, String)] = [
            (Self.invite(extra: ["Max-Forwards: 999"]), 400, "sip_invalid"),
            (Array(String(decoding: Self.invite(), as: UTF8.self).replacing("SIP/2.0\r\nVia", with: "SIP/3.0\r\nVia").utf8), 505, "sip_invalid"),
            (Self.invite(body: String(repeating: "a", count: 5_000)), 513, "sip_too_large"),
        ]
        for (bytes, status, event) in cases {
            guard case .answer(let response, let refusal) = inspect(bytes) else {
                Issue.record("\(status): not answered")
                continue
            }
            #expect(refusal.status == status && refusal.event == event)
            #expect(String(decoding: response, as: UTF8.self).hasPrefix("SIP/2.0 \(status) "))
        }
    }

    @Test func unreadableMessagesCloseTheWebSocket() {
        let cases: [([UInt8], CloseCode, String)] = [
            (Array("hello, not SIP".utf8), .policyViolation, "sip_unreadable"),
            (Array("OPTIONS sip:a@b SIP/2.0\nVia: x\n\n".utf8), .policyViolation, "sip_unreadable"),
            (Self.invite(extra: ["X-Big: " + String(repeating: "b", count: 2_000)]), .messageTooBig, "sip_too_large"),
            (Self.invite(extra: (0..<40).map { "X-\($0): y" }), .messageTooBig, "sip_too_large"),
            // Readable, invalid, and without a Via to answer to.
            (Self.message(["OPTIONS sip:bob@callgate.test SIP/2.0", "CSeq: 1 OPTIONS", ""]), .policyViolation, "sip_invalid"),
        ]
        for (bytes, code, event) in cases {
            guard case .close(let payload, let refusal) = inspect(bytes) else {
                Issue.record("\(event): not closed")
                continue
            }
            #expect(payload.code == code && refusal.event == event && refusal.status == nil)
        }
    }

    @Test func responsesAndKeepAlives() throws {
        let ringing = Self.message(["SIP/2.0 180 Ringing", "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKk;rport=5060",
                                    "To: <sip:alice@callgate.test>;tag=r9", "From: <sip:bob@callgate.test>;tag=b1", "Call-ID: in1",
                                    "CSeq: 7 INVITE", "X-Callgate-User: mallory", "Content-Length: 0", ""])
        guard case .forward(let bytes, _) = inspect(ringing) else {
            Issue.record("a response was not forwarded")
            return
        }
        #expect(try SIPMessage.parse(bytes, limits: SIPLimits()).fields(SIPHeaderName("x-callgate-user")).map(\.value) == ["alice"])
        let broken = Array(String(decoding: ringing, as: UTF8.self).replacing("CSeq: 7 INVITE", with: "CSeq: x INVITE").utf8)
        guard case .discard(let refusal) = inspect(broken) else {
            Issue.record("an invalid response was not discarded")
            return
        }
        #expect(refusal.event == "sip_response_discarded")
        guard case .keepAlive = inspect(Array("\r\n\r\n".utf8)) else {
            Issue.record("a keep-alive was not relayed")
            return
        }
    }
}
