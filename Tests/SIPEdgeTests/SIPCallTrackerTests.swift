import SIP
import Testing
@testable import SIPEdge
@testable import AgentProtocol

/// Dialogs to docs/compatibility.md §1.3 call events (docs/sip-edge.md §3), from message flows as RFC 3665 draws
/// them: alice's web phone on one side, the SIP server on the other.
@Suite struct SIPCallTrackerTests {
    static let identity = try! SIPIdentity(parsing: "sip:alice@callgate.test")
    /// Stands in for the kernel's CSPRNG: the GUIDs are not what these tests look at.
    static let random: @Sendable (Int) -> [UInt8] = { [UInt8](repeating: 0x5A, count: $0) }

    /// One message: `start` line, the dialog fields, optional SDP.
    static func message(_ start: String, callID: String = "call-1", cseq: String, from: String, to: String,
                        sdp: String? = nil, extra: [String] = []) -> SIPMessage {
        let number = cseq.prefix { $0 != " " }
        var lines = [start, "Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK-\(callID)-\(number)", "Max-Forwards: 70",
                     "From: \(from)", "To: \(to)", "Call-ID: \(callID)", "CSeq: \(cseq)"] + extra
        let body = sdp.map { "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\($0)\r\n" } ?? ""
        lines += ["Content-Length: \(body.utf8.count)", ""]
        return try! SIPMessage.parse(Array((lines.map { $0 + "\r\n" }.joined() + body).utf8), limits: SIPLimits())
    }

    static let alice = "\"Alena\" <sip:alice@callgate.test>;tag=a1"
    static let bob = "<sip:bob@callgate.test>"
    static let bobTagged = "<sip:bob@callgate.test>;tag=b1"

    /// The names and states of the events, and the last call's cause.
    static func summary(_ events: [AgentEvent]) -> [String] {
        events.map { event in
            switch event {
            case .callNew(let call), .callRinging(let call), .callConnect(let call), .callHold(let call), .callResume(let call):
                "\(event.name):\(call.state)"
            case .callHangup(let call):
                "\(event.name):\(call.cause)"
            default:
                event.name
            }
        }
    }

    @Test func outgoingCallRingsConnectsHoldsResumesAndHangsUp() throws {
        var tracker = SIPCallTracker(user: "alice", identity: Self.identity, randomBytes: Self.random)
        var events: [AgentEvent] = []
        let steps: [(SIPCallTracker.Side, SIPMessage)] = [
            (.phone, Self.message("INVITE sip:bob@callgate.test SIP/2.0", cseq: "1 INVITE", from: Self.alice, to: Self.bob, sdp: "a=sendrecv")),
            (.server, Self.message("SIP/2.0 100 Trying", cseq: "1 INVITE", from: Self.alice, to: Self.bob)),
            (.server, Self.message("SIP/2.0 180 Ringing", cseq: "1 INVITE", from: Self.alice, to: Self.bobTagged)),
            (.server, Self.message("SIP/2.0 183 Session Progress", cseq: "1 INVITE", from: Self.alice, to: Self.bobTagged)),
            (.server, Self.message("SIP/2.0 200 OK", cseq: "1 INVITE", from: Self.alice, to: "\"Bohumil\" " + Self.bobTagged, sdp: "a=sendrecv")),
            (.phone, Self.message("ACK sip:bob@b.invalid SIP/2.0", cseq: "1 ACK", from: Self.alice, to: Self.bobTagged)),
            (.phone, Self.message("INVITE sip:bob@b.invalid SIP/2.0", cseq: "2 INVITE", from: Self.alice, to: Self.bobTagged, sdp: "a=sendonly")),
            (.server, Self.message("SIP/2.0 200 OK", cseq: "2 INVITE", from: Self.alice, to: Self.bobTagged, sdp: "a=recvonly")),
            // The far end holds too (inactive): still on hold, no second event.
            (.server, Self.message("INVITE sip:alice@a.invalid SIP/2.0", cseq: "7 INVITE", from: Self.bobTagged, to: Self.alice, sdp: "a=inactive")),
            (.phone, Self.message("SIP/2.0 200 OK", cseq: "7 INVITE", from: Self.bobTagged, to: Self.alice, sdp: "a=inactive")),
            (.phone, Self.message("INVITE sip:bob@b.invalid SIP/2.0", cseq: "3 INVITE", from: Self.alice, to: Self.bobTagged, sdp: "a=sendrecv")),
            (.server, Self.message("SIP/2.0 200 OK", cseq: "3 INVITE", from: Self.alice, to: Self.bobTagged, sdp: "a=sendrecv")),
            (.phone, Self.message("BYE sip:bob@b.invalid SIP/2.0", cseq: "4 BYE", from: Self.alice, to: Self.bobTagged)),
            (.server, Self.message("SIP/2.0 200 OK", cseq: "4 BYE", from: Self.alice, to: Self.bobTagged)),
        ]
        for (index, (side, message)) in steps.enumerated() {
            events += tracker.observe(message, from: side, now: 1_000 + Int64(index))
        }
        #expect(Self.summary(events) == ["callNew:new", "callRinging:ringing", "callConnect:connected", "callHold:hold",
                                         "callResume:connected", "callHangup:callerHungUp"])
        guard case .callHangup(let call) = events.last, case .callNew(let first) = events.first else { return }
        #expect(call.direction == .outgoing && call.uniqueid == "call-1" && call.id == first.id)
        #expect(call.number == "bob" && call.caller_number == "alice" && call.called_number == "bob")
        #expect(call.caller_username == "alice" && call.caller_name == "Alena" && call.caller_internal)
        #expect(call.created == 1_000 && call.connected == 1_004 && call.disconnected == 1_012 && call.now == 1_012)
        #expect(call.connected_number == "bob" && call.connected_name == "Bohumil" && call.connected_type == .line)
        #expect(call.state == .hangup && tracker.activeCalls == 0)
    }

    @Test func incomingCallAnsweredThenHungUpByTheCaller() {
        var tracker = SIPCallTracker(user: "alice", identity: Self.identity, randomBytes: Self.random)
        let carol = "\"Carol\" <sip:+420602123456@trunk.example.net>;tag=c1"
        let aliceTo = "<sip:alice@callgate.test>"
        var events = tracker.observe(Self.message("INVITE sip:alice@a.invalid SIP/2.0", callID: "in-1", cseq: "10 INVITE", from: carol,
                                                  to: aliceTo, sdp: "a=sendrecv"), from: .server, now: 50)
        #expect(tracker.activeCalls == 1)
        events += tracker.observe(Self.message("SIP/2.0 180 Ringing", callID: "in-1", cseq: "10 INVITE", from: carol, to: aliceTo + ";tag=a9"),
                                  from: .phone, now: 51)
        events += tracker.observe(Self.message("SIP/2.0 200 OK", callID: "in-1", cseq: "10 INVITE", from: carol, to: aliceTo + ";tag=a9",
                                               sdp: "a=sendrecv"), from: .phone, now: 55)
        events += tracker.observe(Self.message("BYE sip:alice@a.invalid SIP/2.0", callID: "in-1", cseq: "11 BYE", from: carol,
                                               to: aliceTo + ";tag=a9"), from: .server, now: 90)
        #expect(Self.summary(events) == ["callNew:new", "callRinging:ringing", "callConnect:connected", "callHangup:callerHungUp"])
        guard case .callNew(let new) = events[0], case .callConnect(let connected) = events[2] else { return }
        #expect(new.direction == .incoming && new.number == "+420602123456" && new.caller_number == "+420602123456")
        #expect(new.called_number == "alice" && new.caller_type == .trunk && !new.caller_internal && new.name == "Carol")
        #expect(connected.connected_username == "alice" && connected.connected_number == "alice" && connected.connected == 55)
    }

    @Test func causesOfCallsThatNeverConnect() {
        func ended(_ status: String, incoming: Bool = false) -> [String] {
            var tracker = SIPCallTracker(user: "alice", identity: Self.identity, randomBytes: Self.random)
            let inviter: SIPCallTracker.Side = incoming ? .server : .phone
            let answerer: SIPCallTracker.Side = incoming ? .phone : .server
            var events = tracker.observe(Self.message("INVITE sip:bob@callgate.test SIP/2.0", cseq: "1 INVITE", from: Self.alice, to: Self.bob),
                                         from: inviter, now: 1)
            events += tracker.observe(Self.message("SIP/2.0 \(status)", cseq: "1 INVITE", from: Self.alice, to: Self.bobTagged), from: answerer, now: 2)
            return Self.summary(events)
        }
        #expect(ended("486 Busy Here") == ["callNew:new", "callHangup:busy"])
        #expect(ended("404 Not Found") == ["callNew:new", "callHangup:invalidNumber"])
        #expect(ended("480 Temporarily Unavailable") == ["callNew:new", "callHangup:unavailable"])
        #expect(ended("500 Server Internal Error") == ["callNew:new", "callHangup:unknown"])
        #expect(ended("603 Decline", incoming: true) == ["callNew:new", "callHangup:rejected"])
        // A response travelling the wrong way is not the answer to the INVITE.
        #expect(ended("486 Busy Here", incoming: false).count == 2)
    }

    @Test func cancelAndDigestRetry() {
        var tracker = SIPCallTracker(user: "alice", identity: Self.identity, randomBytes: Self.random)
        var events: [AgentEvent] = []
        let invite = { (cseq: String) in Self.message("INVITE sip:bob@callgate.test SIP/2.0", cseq: cseq, from: Self.alice, to: Self.bob) }
        events += tracker.observe(invite("1 INVITE"), from: .phone, now: 1)
        // §22.2: 407, then the same call INVITEd again with credentials: one call, no hangup.
        events += tracker.observe(Self.message("SIP/2.0 407 Proxy Authentication Required", cseq: "1 INVITE", from: Self.alice, to: Self.bobTagged),
                                  from: .server, now: 2)
        events += tracker.observe(invite("2 INVITE"), from: .phone, now: 3)
        events += tracker.observe(Self.message("SIP/2.0 180 Ringing", cseq: "2 INVITE", from: Self.alice, to: Self.bobTagged), from: .server, now: 4)
        events += tracker.observe(Self.message("CANCEL sip:bob@callgate.test SIP/2.0", cseq: "2 CANCEL", from: Self.alice, to: Self.bob),
                                  from: .phone, now: 5)
        events += tracker.observe(Self.message("SIP/2.0 487 Request Terminated", cseq: "2 INVITE", from: Self.alice, to: Self.bobTagged),
                                  from: .server, now: 6)
        #expect(Self.summary(events) == ["callNew:new", "callRinging:ringing", "callHangup:callerHungUp"])
    }

    @Test func theSessionEndingEndsItsCallsAndCallsAreBounded() {
        var tracker = SIPCallTracker(user: "alice", identity: Self.identity, maxCalls: 2, randomBytes: Self.random)
        var events: [AgentEvent] = []
        for index in 1...3 {
            events += tracker.observe(Self.message("INVITE sip:bob@callgate.test SIP/2.0", callID: "c\(index)", cseq: "1 INVITE",
                                                   from: Self.alice, to: Self.bob), from: .phone, now: 1)
        }
        #expect(Self.summary(events) == ["callNew:new", "callNew:new"], "a third call is past maxCalls")
        #expect(Self.summary(tracker.sessionEnded(now: 9)) == ["callHangup:unknown", "callHangup:unknown"])
        #expect(tracker.activeCalls == 0)
    }
}
