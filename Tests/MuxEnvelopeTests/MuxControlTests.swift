import Foundation
import Testing
@testable import Routes
@testable import MuxEnvelope
@testable import JSON

/// docs/backend-protocol.md, "Control messages": one compact JSON object per text frame.
@Suite struct MuxControlTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func decode(_ text: String) -> Result<MuxControl, MuxProtocolError> {
        Array(text.utf8).withUnsafeBytes { MuxControl.decode($0) }
    }

    private func parsed(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    private let announcement = MuxSessionAnnouncement(
        session: 17, channel: "recording", user: "alice", provider: "CRM", address: "203.0.113.9",
        path: "/recording", query: "lang=cs", subprotocol: nil, origin: "https://crm.example.com", resumed: false)

    @Test func encodesHelloExactly() {
        let hello = MuxControl.hello(version: 1, instance: "gw-1", channel: "recording")
        #expect(text(hello.encoded()) == #"{"type":"hello","version":1,"instance":"gw-1","channel":"recording"}"#)
    }

    @Test func encodesOpenExactlyWithNulls() {
        #expect(text(MuxControl.open(announcement).encoded()) == #"{"type":"open","session":17,"channel":"recording","user":"alice","provider":"CRM","address":"203.0.113.9","path":"/recording","query":"lang=cs","subprotocol":null,"origin":"https://crm.example.com","resumed":false}"#)
        let anonymous = MuxSessionAnnouncement(session: 4294967295, channel: "report", address: "2001:db8::1",
                                               path: "/report", subprotocol: "v2", resumed: true)
        #expect(text(MuxControl.open(anonymous).encoded()) == #"{"type":"open","session":4294967295,"channel":"report","user":null,"provider":null,"address":"2001:db8::1","path":"/report","query":"","subprotocol":"v2","origin":null,"resumed":true}"#)
    }

    @Test func encodesCloseAndUnknownExactly() {
        #expect(text(MuxControl.close(session: 17, code: 1001, reason: "going away").encoded())
            == #"{"type":"close","session":17,"code":1001,"reason":"going away"}"#)
        #expect(text(MuxControl.unknown(type: "ping").encoded()) == #"{"type":"ping"}"#)
    }

    /// RFC 8259 §7: quote and backslash escaped, U+0000–U+001F as \u00XX; U+2028/U+2029 escaped
    /// too (JavaScript-safe); other characters as UTF-8.
    @Test func escapesReasonsPerRFC8259() {
        let reason = "a\"b\\c\nd\u{0}e\u{1F}f\u{2028}g\u{2029}h/é😀\u{7F}"
        let bytes = MuxControl.close(session: 1, code: 4000, reason: reason).encoded()
        #expect(text(bytes) == #"{"type":"close","session":1,"code":4000,"reason":"a\"b\\c\u000ad\u0000e\u001ff\u2028g\u2029h/é😀"# + "\u{7F}\"}")
        // The exact bytes of the escapes and of the UTF-8 passed through.
        #expect(Array(bytes.suffix(10)) == [0x2F, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x7F, 0x22, 0x7D])
    }

    @Test func everyEncodingParsesBackWithJSONSerialization() throws {
        let reason = "q\"\\\n\r\t\u{0}\u{8}\u{C}\u{2028}\u{2029}é😀"
        let close = try parsed(MuxControl.close(session: 9, code: 4321, reason: reason).encoded())
        #expect(close["type"] as? String == "close")
        #expect(close["session"] as? Int == 9)
        #expect(close["code"] as? Int == 4321)
        #expect(close["reason"] as? String == reason)

        let open = try parsed(MuxControl.open(announcement).encoded())
        #expect(open["user"] as? String == "alice")
        #expect(open["subprotocol"] is NSNull)
        #expect(open["resumed"] as? Bool == false)
    }

    @Test func roundTripsEveryCaseThroughDecode() throws {
        let weird = "x\"\\\n\u{0}\u{2028}é😀"
        let messages: [MuxControl] = [
            .hello(version: 1, instance: weird, channel: "recording"),
            .open(announcement),
            .open(MuxSessionAnnouncement(session: 1, channel: weird, user: weird, provider: nil, address: "::1",
                                         path: "/r", query: "a=1&b=%22", subprotocol: weird, origin: nil, resumed: true)),
            .close(session: 17, code: 4000, reason: weird),
            .close(session: UInt32.max, code: 1006, reason: ""),
            .unknown(type: weird),
        ]
        for message in messages {
            let decoded = message.encoded().withUnsafeBytes { MuxControl.decode($0) }
            #expect(decoded == .success(message))
        }
    }

    @Test func decodesABackEndCloseLeniently() {
        #expect(decode(#"{"type":"close","session":17,"code":4000,"reason":"done"}"#) == .success(.close(session: 17, code: 4000, reason: "done")))
        #expect(decode(#" { "session" : 17 , "type" : "close" , "extra" : [1,{"a":2}] } "#) == .success(.close(session: 17, code: 1000, reason: "")))
        #expect(decode(#"{"type":"close","session":1.7e1,"code":4000.0}"#) == .success(.close(session: 17, code: 4000, reason: "")))
        // Out of UInt16 range: could never pass to the browser, read as 1011.
        #expect(decode(#"{"type":"close","session":1,"code":70000}"#) == .success(.close(session: 1, code: 1011, reason: "")))
        #expect(decode(#"{"type":"close","session":1,"code":-1}"#) == .success(.close(session: 1, code: 1011, reason: "")))
    }

    @Test func unknownTypesAreNotErrors() {
        #expect(decode(#"{"type":"stats","sessions":3}"#) == .success(.unknown(type: "stats")))
        #expect(decode(#"{"type":""}"#) == .success(.unknown(type: "")))
    }

    @Test func rejectsTextThatIsNotAJSONObject() {
        for text in ["", " ", "[]", #"[{"type":"close"}]"#, #""close""#, "17", "null", "{", #"{"type":"close""#, "{'type':'close'}"] {
            #expect(decode(text) == .failure(.controlNotJSONObject), "\(text)")
        }
        let invalidUTF8: [UInt8] = Array(#"{"type":"close","reason":""#.utf8) + [0xC3] + Array(#""}"#.utf8)
        #expect(invalidUTF8.withUnsafeBytes { MuxControl.decode($0) } == .failure(.controlNotJSONObject))
    }

    @Test func rejectsAnObjectWithoutAStringType() {
        for text in ["{}", #"{"session":17}"#, #"{"type":1}"#, #"{"type":null}"#, #"{"type":["close"]}"#] {
            #expect(decode(text) == .failure(.controlWithoutType), "\(text)")
        }
    }

    @Test func rejectsKnownTypesWithBadMembers() {
        let cases: [(String, String, String)] = [
            (#"{"type":"close"}"#, "close", "session"),
            (#"{"type":"close","session":0}"#, "close", "session"),
            (#"{"type":"close","session":-3}"#, "close", "session"),
            (#"{"type":"close","session":4294967296}"#, "close", "session"),
            (#"{"type":"close","session":"17"}"#, "close", "session"),
            (#"{"type":"close","session":true}"#, "close", "session"),
            (#"{"type":"close","session":1.5}"#, "close", "session"),
            (#"{"type":"close","session":1,"code":"4000"}"#, "close", "code"),
            (#"{"type":"close","session":1,"code":null}"#, "close", "code"),
            (#"{"type":"close","session":1,"code":false}"#, "close", "code"),
            (#"{"type":"close","session":1,"reason":7}"#, "close", "reason"),
            (#"{"type":"hello","version":1,"instance":"gw"}"#, "hello", "channel"),
            (#"{"type":"hello","version":"1","instance":"gw","channel":"r"}"#, "hello", "version"),
            (#"{"type":"open","session":1,"channel":"r","address":"a","path":"/r","query":"","resumed":1}"#, "open", "resumed"),
            (#"{"type":"open","session":1,"channel":"r","user":5,"address":"a","path":"/r","query":"","resumed":false}"#, "open", "user"),
        ]
        for (text, type, member) in cases {
            #expect(decode(text) == .failure(.invalidControlMember(type: type, member: member)), "\(text)")
        }
    }

    @Test func openToleratesAbsentNullableMembers() {
        let minimal = #"{"type":"open","session":5,"channel":"r","address":"a","path":"/r","query":"","resumed":false}"#
        #expect(decode(minimal) == .success(.open(MuxSessionAnnouncement(session: 5, channel: "r", address: "a", path: "/r"))))
    }

    @Test func browserEventsAreExact() {
        #expect(text(GatewayMessage.upstreamLost(channel: "recording")) == #"{"event":"upstreamLost","data":{"channel":"recording"}}"#)
        #expect(text(GatewayMessage.upstreamRestored(channel: "rec\"ording")) == #"{"event":"upstreamRestored","data":{"channel":"rec\"ording"}}"#)
    }

    @Test func errorRepliesEchoTheIdByteForByte() {
        #expect(text(GatewayMessage.errorReply(id: .number("17"), text: "upstream unavailable"))
            == #"{"id":17,"error":{"code":"upstreamUnavailable","text":"upstream unavailable"}}"#)
        #expect(text(GatewayMessage.errorReply(id: .number("-1.5E+3"), text: "x"))
            == #"{"id":-1.5E+3,"error":{"code":"upstreamUnavailable","text":"x"}}"#)
        #expect(text(GatewayMessage.errorReply(id: .string(#"a\"b\u00e9"#), text: "x"))
            == #"{"id":"a\"b\u00e9","error":{"code":"upstreamUnavailable","text":"x"}}"#)
        #expect(text(GatewayMessage.errorReply(id: nil, text: "line\nbreak"))
            == #"{"error":{"code":"upstreamUnavailable","text":"line\u000abreak"}}"#)
        #expect(text(GatewayMessage.errorReply(id: .string("q"), code: "sessionClosed", text: ""))
            == #"{"id":"q","error":{"code":"sessionClosed","text":""}}"#)
    }

    /// Issue 18 defect 6, on a mux channel: the gateway's error reply to a request whose id is a
    /// lone surrogate escape carries no id, so it is JSON Callgate's parser accepts.
    @Test func errorReplyToALoneSurrogateIdIsValidJSON() throws {
        let request = Array(#"{"id":"\ud800","method":"list"}"#.utf8)
        let reply = GatewayMessage.errorReply(id: RequestIDScanner.requestID(in: request), text: "down")
        let value = try JSONValue(parsing: String(decoding: reply, as: UTF8.self))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members["id"] == nil)
    }

    @Test func errorReplyIdsSurviveTheScanner() {
        for request in [#"{"id":17,"m":1}"#, #"{"id":"a\"b\\c\u00e9/","m":1}"#, #"{"id":-0.5e-7}"#] {
            let id = RequestIDScanner.requestID(in: Array(request.utf8))
            #expect(id != nil)
            let reply = GatewayMessage.errorReply(id: id, text: "down")
            #expect(RequestIDScanner.requestID(in: reply) == id)
        }
    }
}

/// Control messages are read by the strict `JSONParser`: what a lenient reader would accept is a
/// protocol error.
@Suite struct MuxControlStrictnessTests {
    @Test(arguments: [
        #"{"type":"close","session":1,}"#,
        #"{"type":"close","session":1,"session":2}"#,
        #"{"type":"close","session":NaN}"#,
    ])
    func lenientJSONIsNotAControlMessage(_ text: String) {
        let result = Array(text.utf8).withUnsafeBytes { MuxControl.decode($0) }
        #expect(result == .failure(.controlNotJSONObject))
    }
}
