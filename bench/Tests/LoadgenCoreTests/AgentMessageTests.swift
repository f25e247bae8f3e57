@testable import LoadgenCore
import Testing

@Suite struct AgentMessageTests {
    private func scan(_ text: String) -> (AgentMessage, String?) {
        Array(text.utf8).withUnsafeBytes { raw in
            let message = AgentMessage.scan(raw)
            return (message, message.eventName.map { String(decoding: raw[$0], as: UTF8.self) })
        }
    }

    @Test func perUserEvent() {
        let (message, name) = self.scan(#"{"event":"callRinging","seq":17,"data":{"call":{"seq":99,"event":"x"}}}"#)
        #expect(name == "callRinging")
        #expect(message.seq == 17)
        #expect(!message.isReply)
        let matches = Array(#"{"event":"callRinging","seq":17}"#.utf8).withUnsafeBytes { raw in
            (AgentMessage.scan(raw).isEvent(Array("callRinging".utf8), in: raw), AgentMessage.scan(raw).isEvent(Array("callRing".utf8), in: raw))
        }
        #expect(matches == (true, false))
    }

    @Test func memberOrderDoesNotMatter() {
        let (message, name) = self.scan(#"{"data":{"event":"inner","seq":1},"seq":5,"event":"callHangup"}"#)
        #expect(name == "callHangup")
        #expect(message.seq == 5)
    }

    @Test func perSessionEventHasNoSeq() {
        let (message, name) = self.scan(#"{"event":"ready","data":{"state":{"lastSeq":42}}}"#)
        #expect(name == "ready")
        #expect(message.seq == nil)
    }

    @Test func replies() {
        let (ok, _) = self.scan(#"{"id":3,"result":{}}"#)
        #expect(ok.replyID == 3 && ok.isResult && !ok.isError)
        let (error, name) = self.scan(#"{"id":1,"error":{"code":"loginFailed","text":"…"}}"#)
        #expect(error.replyID == 1 && error.isError && name == nil)
        let (stringID, _) = self.scan(#"{"id":"a","result":{}}"#)
        #expect(stringID.replyID == nil && stringID.isReply)
    }

    @Test func nioFanoutBroadcast() {
        let (message, name) = self.scan(#"{"event":"broadcast","seq":3,"data":{"pad":"xxxx"}}"#)
        #expect(name == "broadcast" && message.seq == 3)
    }

    @Test func requestsAreCompactJSON() {
        #expect(String(decoding: AgentRequest.login(id: 1, username: "bench", password: "p\"w"), as: UTF8.self)
            == #"{"id":1,"method":"login","params":{"username":"bench","password":"p\"w"}}"#)
        #expect(String(decoding: AgentRequest.selectIdentifier(id: 2, identifier: "bench-phone"), as: UTF8.self)
            == #"{"id":2,"method":"selectIdentifier","params":{"identifier":"bench-phone"}}"#)
        #expect(String(decoding: AgentRequest.provision(id: 3), as: UTF8.self) == #"{"id":3,"method":"provision"}"#)
        #expect(String(decoding: AgentRequest.attach(id: 1, lastSeq: 0, token: "v1.x"), as: UTF8.self)
            == #"{"id":1,"method":"attach","params":{"lastSeq":0,"token":"v1.x"}}"#)
        #expect(String(decoding: AgentRequest.ack(id: 9, seq: 17), as: UTF8.self) == #"{"id":9,"method":"ack","params":{"seq":17}}"#)
        #expect(String(decoding: AgentRequest.answer(id: 11), as: UTF8.self) == #"{"id":11,"method":"answer"}"#)
        #expect(String(decoding: AgentRequest.login(id: 1, username: "u", password: "p", tab: "t-1"), as: UTF8.self)
            == #"{"id":1,"method":"login","params":{"username":"u","password":"p","tab":"t-1"}}"#)
        #expect(String(decoding: AgentRequest.attach(id: 1, lastSeq: 41, token: "v1.x", tab: "t-1"), as: UTF8.self)
            == #"{"id":1,"method":"attach","params":{"lastSeq":41,"token":"v1.x","tab":"t-1"}}"#)
    }

    @Test func whereAReconnectingTabStands() {
        // docs/agent-protocol.md §4: the attach reply, the ready event's state, an error reply.
        func read<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T { Array(text.utf8).withUnsafeBytes(body) }
        #expect(read(#"{"id":1,"result":{"state":"READY","lastSeq":42,"complete":true}}"#) { AgentMessage.attachResult($0)! } == (42, true))
        #expect(read(#"{"id":1,"result":{"complete":false, "state":"READY","lastSeq":7}}"#) { AgentMessage.attachResult($0)! } == (7, false))
        #expect(read(#"{"id":1,"result":{"state":"READY","lastSeq":7,"complete":"yes"}}"#) { AgentMessage.attachResult($0) } == nil)
        #expect(read(#"{"id":1,"result":{"state":"READY"}}"#) { AgentMessage.attachResult($0) } == nil)
        #expect(read(#"{"event":"ready","data":{"state":{"status":"READY","calls":[{"lastSeq":1}],"lastSeq":42}}}"#) { AgentMessage.readyLastSeq($0) } == 42)
        #expect(read(#"{"event":"ready","data":{"lastSeq":42}}"#) { AgentMessage.readyLastSeq($0) } == nil)
        #expect(read(#"{"id":5,"error":{"code":"wrongState","text":"…"}}"#) { AgentMessage.errorCode($0) } == "wrongState")
        let uniqueID = read(#"{"event":"callRinging","seq":3,"data":{"call":{"id":2,"uniqueid":"a1-17.3"}}}"#) { bytes in
            AgentMessage.value(at: ["data", "call", "uniqueid"], in: bytes).flatMap { JSONScanner.string($0, in: bytes) }
        }
        #expect(uniqueID == "a1-17.3")
    }
}
