import Testing
@testable import AgentProtocol
import TestSupport

/// docs/agent-protocol.md, "Events": one per docs/compatibility.md §1.3 callback, exact bytes.
@Suite struct AgentEventTests {
    private func text(_ event: AgentEvent, seq: UInt64? = nil) -> String {
        String(decoding: event.encoded(seq: seq), as: UTF8.self)
    }

    @Test func sessionEventsExactly() {
        #expect(text(.connect(version: "4.0.0")) == #"{"event":"connect","data":{"version":"4.0.0","protocol":1}}"#)
        #expect(text(.credentials) == #"{"event":"credentials","data":{}}"#)
        #expect(text(.loginError(code: .invalidCredentials, message: "invalid user name or password"))
            == #"{"event":"loginError","data":{"code":1,"message":"invalid user name or password"}}"#)
        #expect(text(.loginError(code: LoginErrorCode(rawValue: 99), message: "x")) == #"{"event":"loginError","data":{"code":99,"message":"x"}}"#)
        #expect(text(.identify(identificators: [.object(["identificator": .string("cisco"), "name": .string("Cisco 7941")])]))
            == #"{"event":"identify","data":{"identificators":[{"identificator":"cisco","name":"Cisco 7941"}]}}"#)
        #expect(text(.identify(identificators: [])) == #"{"event":"identify","data":{"identificators":[]}}"#)
        #expect(text(.identifier(identificator: "10.0.0.7")) == #"{"event":"identifier","data":{"identificator":"10.0.0.7"}}"#)
        #expect(text(.device(["id": .number("4"), "name": .string("201")])) == #"{"event":"device","data":{"device":{"id":4,"name":"201"}}}"#)
        #expect(text(.error(message: "cannot connect")) == #"{"event":"error","data":{"message":"cannot connect"}}"#)
        #expect(text(.warning(message: "w\n")) == #"{"event":"warning","data":{"message":"w\u000a"}}"#)
        #expect(text(.info(message: "Stav změněn")) == #"{"event":"info","data":{"message":"Stav změněn"}}"#)
        #expect(text(.primary(primary: true, tabs: 2), seq: 7) == #"{"event":"primary","data":{"primary":true,"tabs":2}}"#)
        #expect(AgentEvent.primary(primary: false, tabs: 1).scope == .session)
    }

    @Test func userAndReadyWrapTheirObjects() {
        let user = User(id: 1, displayname: "A")
        #expect(text(.user(user)) == #"{"event":"user","data":{"user":"# + String(decoding: user.encoded(), as: UTF8.self) + "}}")
        let snapshot = AgentSnapshot(status: .offline, user: user, now: 9, lastSeq: 0)
        #expect(text(.ready(snapshot)) == #"{"event":"ready","data":{"state":"# + String(decoding: snapshot.encoded(), as: UTF8.self) + "}}")
    }

    @Test func userEventsCarryTheirSeq() {
        let call = AgentObjectSamples.fullCall()
        let callJSON = String(decoding: call.encoded(), as: UTF8.self)
        let calls: [(AgentEvent, String)] = [
            (.callNew(call), "callNew"), (.callRinging(call), "callRinging"), (.callConnect(call), "callConnect"),
            (.callHold(call), "callHold"), (.callResume(call), "callResume"), (.callHangup(call), "callHangup"),
            (.callMute(call), "callMute"), (.callUnmute(call), "callUnmute"),
        ]
        for (event, name) in calls {
            #expect(text(event, seq: 17) == #"{"event":""# + name + #"","seq":17,"data":{"call":"# + callJSON + "}}")
            #expect(event.scope == .user)
        }
        #expect(text(.stateChange(status: .aux, reason: "Oběd"), seq: 1) == #"{"event":"stateChange","seq":1,"data":{"status":"AUX","reason":"Oběd"}}"#)
        #expect(text(.stateChange(status: .ready, reason: nil), seq: 2) == #"{"event":"stateChange","seq":2,"data":{"status":"READY","reason":null}}"#)
        #expect(text(.agentSuspend(queueId: 12), seq: 3) == #"{"event":"agentSuspend","seq":3,"data":{"queueId":12}}"#)
        #expect(text(.agentResume(queueId: 12), seq: 4) == #"{"event":"agentResume","seq":4,"data":{"queueId":12}}"#)
        #expect(text(.waitingCallersChange(waitingCallers: 5), seq: 18446744073709551615)
            == #"{"event":"waitingCallersChange","seq":18446744073709551615,"data":{"waitingCallers":5}}"#)
        #expect(text(.message(AgentMessage(message: "Limit fronty", type: .warning, group: "queue", data: ["queue": .number("12")])), seq: 6)
            == #"{"event":"message","seq":6,"data":{"message":{"message":"Limit fronty","type":"warning","group":"queue","data":{"queue":12}}}}"#)
        #expect(text(.message(AgentMessage(message: "m", type: .success)), seq: 7)
            == #"{"event":"message","seq":7,"data":{"message":{"message":"m","type":"success","group":null,"data":null}}}"#)
    }

    @Test func sessionEventsNeverCarryASeq() {
        #expect(text(.credentials, seq: 5) == #"{"event":"credentials","data":{}}"#)
        #expect(text(.info(message: "x"), seq: 5) == #"{"event":"info","data":{"message":"x"}}"#)
    }

    @Test func scopesAndAcks() {
        let user = User(id: 1, displayname: "A")
        let call = AgentObjectSamples.fullCall()
        let session: [AgentEvent] = [
            .connect(version: "1"), .credentials, .loginError(code: .loggedInElsewhere, message: ""), .user(user),
            .identify(identificators: []), .identifier(identificator: "x"), .device([:]),
            .ready(AgentSnapshot(status: .ready, user: user, now: 0, lastSeq: 0)),
            .error(message: ""), .warning(message: ""), .info(message: ""),
        ]
        let perUser: [AgentEvent] = [
            .stateChange(status: .acw, reason: nil), .callNew(call), .callRinging(call), .callConnect(call),
            .callHold(call), .callResume(call), .callHangup(call), .callMute(call), .callUnmute(call),
            .agentSuspend(queueId: 1), .agentResume(queueId: 1), .waitingCallersChange(waitingCallers: 0),
            .message(AgentMessage(message: "", type: .info)),
        ]
        #expect(session.allSatisfy { $0.scope == .session })
        #expect(perUser.allSatisfy { $0.scope == .user })
        #expect(Set((session + perUser).map(\.name)) == [
            "connect", "credentials", "loginError", "user", "identify", "identifier", "device", "ready", "stateChange",
            "callNew", "callRinging", "callConnect", "callHold", "callResume", "callHangup", "callMute", "callUnmute",
            "agentSuspend", "agentResume", "waitingCallersChange", "message", "error", "warning", "info",
        ])
        #expect((session + perUser).filter(\.expectsAck).map(\.name) == ["callRinging"])
    }

    @Test func loginErrorCodes() {
        #expect([LoginErrorCode.invalidCredentials, .invalidSSOToken, .loggedInElsewhere, .notAllowed, .tooManyAttempts,
                 .serviceUnavailable, .invalidSessionToken].map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7])
        #expect(LoginErrorCode(.badPassword, method: .login) == .invalidCredentials)
        #expect(LoginErrorCode(.unknownUser, method: .login) == .invalidCredentials)
        #expect(LoginErrorCode(.expired, method: .sso) == .invalidSSOToken)
        #expect(LoginErrorCode(.replayed, method: .sso) == .invalidSSOToken)
        #expect(LoginErrorCode(.wrongScope, method: .attach) == .invalidSessionToken)
    }
}
