import Testing
@testable import Routes
@testable import AgentProtocol

/// docs/agent-protocol.md, "Replies": exact bytes.
@Suite struct AgentReplyTests {
    private func text(_ reply: AgentReply) -> String { String(decoding: reply.encoded(), as: UTF8.self) }

    @Test func results() {
        #expect(text(.ok(id: .number("1"))) == #"{"id":1,"result":{}}"#)
        #expect(text(.ok(id: .string(#"a\"b"#))) == #"{"id":"a\"b","result":{}}"#)
        #expect(text(.result(id: .number("2"), ["uniqueid": .string("1700000000.42"), "accepted": .bool(true)]))
            == #"{"id":2,"result":{"accepted":true,"uniqueid":"1700000000.42"}}"#)
        #expect(text(.loggedIn(id: .number("3"), user: "alice", token: "v1.p.m", expires: 1_700_003_600))
            == #"{"id":3,"result":{"user":"alice","token":"v1.p.m","expires":1700003600}}"#)
        #expect(text(.attached(id: .number("4"), state: .ready, lastSeq: 42, complete: true))
            == #"{"id":4,"result":{"state":"READY","lastSeq":42,"complete":true}}"#)
        let snapshot = AgentSnapshot(status: .ready, user: User(id: 1, displayname: "A"), now: 5, ringingSound: .rush, lastSeq: 9)
        #expect(text(.state(id: .number("5"), snapshot)) == #"{"id":5,"result":"# + String(decoding: snapshot.encoded(), as: UTF8.self) + "}")
        let call = Call(uniqueid: "u", call_guid: "g", id: 1, direction: .outgoing, state: .hangup, number: "0800123456",
                        caller_number: "201", called_number: "0800123456", created: 5, now: 6)
        let callJSON = String(decoding: call.encoded(), as: UTF8.self)
        #expect(text(.callHistory(id: .number("6"), calls: [call, call], total: 7))
            == #"{"id":6,"result":{"calls":["# + callJSON + "," + callJSON + #"],"total":7}}"#)
        #expect(text(.callHistory(id: .number("7"), calls: [], total: 0)) == #"{"id":7,"result":{"calls":[],"total":0}}"#)
    }

    @Test func errors() {
        #expect(text(.error(AgentProtocolError(id: .number("6"), kind: .failed(code: "noActiveCall", text: "no call to hang up"))))
            == #"{"id":6,"error":{"code":"noActiveCall","text":"no call to hang up"}}"#)
        #expect(text(.error(AgentProtocolError(id: nil, kind: .badRequest("not a JSON object"))))
            == #"{"error":{"code":"badRequest","text":"bad request: not a JSON object"}}"#)
        #expect(text(.error(AgentProtocolError(id: .number("7"), kind: .invalidParams(method: .dial, param: "number", expected: "a non-empty string"))))
            == #"{"id":7,"error":{"code":"invalidParams","text":"dial: \"number\" must be a non-empty string","param":"number"}}"#)
        // The same shape as the gateway's own error replies.
        #expect(text(.error(AgentProtocolError(id: .number("8"), kind: .failed(code: GatewayMessage.upstreamUnavailable, text: "t"))))
            == String(decoding: GatewayMessage.errorReply(id: .number("8"), text: "t"), as: UTF8.self))
    }
}
