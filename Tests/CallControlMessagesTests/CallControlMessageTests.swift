import Foundation
import Testing
import WSFraming
@testable import AgentProtocol
@testable import CallControlMessages
import TestSupport

/// docs/backend-protocol.md §12: every message of the call-control protocol written, read back,
/// and equal; members in the documented order; bad input refused with its typed error and close code.
@Suite struct CallControlMessageTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private func decode(_ text: String) -> Result<CallControlMessage, CallControlProtocolError> {
        Array(text.utf8).withUnsafeBytes { CallControlMessage.decode($0) }
    }

    private func roundTrip(_ message: CallControlMessage, sourceLocation: SourceLocation = #_sourceLocation) {
        let decoded = message.encoded().withUnsafeBytes { CallControlMessage.decode($0) }
        #expect(decoded == .success(message), sourceLocation: sourceLocation)
    }

    private static let snapshot: AgentSnapshot = {
        var snapshot = AgentSnapshot(status: .ready, call: AgentObjectSamples.fullCall(), user: AgentObjectSamples.fullUser(),
                                     device: ["id": .integer(3), "extension": .string("2001")], waitingCallers: 2,
                                     now: 1_700_000_000, lastSeq: 0)
        snapshot.queues = .array([.object(["queue_id": .integer(12)])])
        return snapshot
    }()

    // MARK: exact bytes

    @Test func encodesHelloRequestAndAnswerExactly() {
        #expect(text(CallControlMessage.hello(CallControlHello(instance: "gw-1:42/-1")).encoded())
            == #"{"type":"hello","version":1,"instance":"gw-1:42/-1"}"#)
        #expect(text(CallControlMessage.hello(CallControlHello(epoch: "e1", backend: "callgate-switchboard 0.1.0")).encoded())
            == #"{"type":"hello","version":1,"epoch":"e1","backend":"callgate-switchboard 0.1.0"}"#)
        #expect(text(CallControlMessage.request(id: 7, .setBusy(user: "alice", busy: true)).encoded())
            == #"{"type":"request","id":7,"request":"setBusy","user":"alice","busy":true}"#)
        #expect(text(CallControlMessage.request(id: 8, .execute(user: "alice", command: .dial(DialParams(number: "+420602123456", idempotencyKey: "k1")))).encoded())
            == #"{"type":"request","id":8,"request":"execute","user":"alice","method":"dial","params":{"idempotencyKey":"k1","number":"+420602123456","queue":"undefined"}}"#)
        #expect(text(CallControlMessage.answer(id: 7, .done).encoded()) == #"{"type":"answer","id":7,"result":"done"}"#)
        #expect(text(CallControlMessage.answer(id: 9, .failed(CallControlError(code: "noActiveCall", text: "no call", httpStatus: 409))).encoded())
            == #"{"type":"answer","id":9,"error":{"code":"noActiveCall","text":"no call","httpStatus":409}}"#)
    }

    @Test func encodesEventsResyncAndResyncedExactly() {
        let agent = text(AgentEvent.stateChange(status: .aux, reason: "Oběd").encoded(seq: nil))
        #expect(agent.hasPrefix(#"{"event":"stateChange","data":{"#))
        #expect(text(CallControlMessage.event(user: "alice", n: 3, event: .stateChange(status: .aux, reason: "Oběd")).encoded())
            == #"{"type":"event","user":"alice","n":3,"# + agent.dropFirst())
        #expect(text(CallControlMessage.resync(epoch: "e1", after: ["bob": 4, "alice": 12], signedIn: nil).encoded())
            == #"{"type":"resync","epoch":"e1","after":{"alice":12,"bob":4}}"#)
        #expect(text(CallControlMessage.resync(epoch: "e1", after: [:], signedIn: ["bob", "alice"]).encoded())
            == #"{"type":"resync","epoch":"e1","after":{},"signedIn":["alice","bob"]}"#)
        #expect(text(CallControlMessage.resynced(lost: ["bob"], signedOut: []).encoded()) == #"{"type":"resynced","lost":["bob"]}"#)
        #expect(text(CallControlMessage.resynced(lost: [], signedOut: ["carol"]).encoded())
            == #"{"type":"resynced","lost":[],"signedOut":["carol"]}"#)
    }

    /// The event message wraps the agent protocol's own encoding, so a tab gets the same bytes
    /// from a remote back end as from the embedded one.
    @Test func eventMessageCarriesTheAgentEncoding() throws {
        let event = AgentEvent.callRinging(AgentObjectSamples.fullCall())
        let bytes = CallControlMessage.event(user: "alice", n: 1, event: event).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let agent = try #require(try JSONSerialization.jsonObject(with: Data(event.encoded(seq: nil))) as? [String: Any])
        #expect(object["user"] as? String == "alice")
        #expect(object["n"] as? Int == 1)
        #expect(object["event"] as? String == "callRinging")
        #expect((object["data"] as? NSDictionary) == (agent["data"] as? NSDictionary))
    }

    // MARK: round trips

    @Test(arguments: [
        CallControlRequest.signIn(user: "alice", identifiers: ["wp-1", "127.0.0.1"]),
        .signOut(user: "alice"),
        .snapshot(user: "alice"),
        .unreachable(user: "alice"),
        .setBusy(user: "alice", busy: false),
        .party(user: "alice"),
        .summary,
        .lookUp([.named("alice"), .workplace("wp-1"), .line("2001")]),
        .callHistory(user: "alice", query: CallHistoryQuery(filter: "602", direction: .incoming, limit: 5)),
        .callHistory(user: "bob", query: CallHistoryQuery()),
        .execute(user: "alice", command: .answer),
        .execute(user: "alice", command: .hangup),
        .execute(user: "alice", command: .changeStatus(status: .aux, reason: "Oběd")),
        .execute(user: "alice", command: .dial(DialParams(number: "+420602123456", queue: .undefined, line: 2,
                                                          data: ["crm": .string("x")], idempotencyKey: "k"))),
        .execute(user: "alice", command: .suspend(queue: 12)),
        .execute(user: "alice", command: .dtmf(digits: "12#")),
        .execute(user: "alice", command: .selectIdentifier(identifier: "wp-1")),
        .execute(user: "alice", command: .state),
        .admin(.placeCall(from: "+420602123456", to: .queue(1))),
        .admin(.placeCall(from: "602", to: .user("ž l"))),
        .admin(.placeCall(from: "602", to: .extension(2001))),
        .admin(.answer(uniqueid: "1700000000.1")),
        .admin(.hangup(uniqueid: "a/b")),
        .admin(.listCalls),
        .admin(.listAgents),
    ])
    func everyRequestRoundTrips(_ request: CallControlRequest) {
        roundTrip(.request(id: 42, request))
    }

    @Test func everyAnswerRoundTrips() {
        let call = AgentObjectSamples.fullCall()
        let signIn = SignIn(user: AgentObjectSamples.fullUser(), state: .ready, identificators: [.string("wp-1")],
                            identifier: "wp-1", snapshot: Self.snapshot)
        let answers: [CallControlAnswer] = [
            .done,
            .signedIn(signIn),
            .signedIn(SignIn(user: User(id: 1, displayname: "B"), state: .identify, identificators: [], identifier: nil, snapshot: nil)),
            .executed(.ok),
            .executed(.fields(["uniqueid": .string("1700000000.9")])),
            .executed(.state(Self.snapshot)),
            .executed(.callHistory(calls: [call], total: 17)),
            .snapshot(Self.snapshot),
            .snapshot(nil),
            .found(["alice", nil, "bob"]),
            .party(CallParty(party: "2001", alias: "Alice")),
            .party(nil),
            .callHistory(calls: [call, call], total: 2),
            .summary(CallControlSummary(agents: [AgentSummary(username: "alice", state: .ready, status: .aux, reason: "Oběd", call: "u1", busy: true),
                                                 AgentSummary(username: "bob", state: .credentials, status: .offline, reason: nil, call: nil)],
                                        liveCalls: 3, waitingCallers: 1)),
            .admin(status: 201, body: Array(#"{"uniqueid":"1700000000.9"}"#.utf8)),
            .failed(CallControlError(code: "accountDisabled", text: "the account is disabled", httpStatus: 403)),
        ]
        for answer in answers { roundTrip(.answer(id: CallControlProtocol.maxNumber, answer)) }
    }

    @Test func everyOtherMessageRoundTrips() {
        roundTrip(.hello(CallControlHello(instance: "gw")))
        roundTrip(.hello(CallControlHello(epoch: "3f9a", backend: "x")))
        roundTrip(.event(user: "alice", n: 1, event: .callHangup(AgentObjectSamples.fullCall())))
        roundTrip(.event(user: "alice", n: 2, event: .ready(Self.snapshot)))
        roundTrip(.event(user: "ž", n: 3, event: .identify(identificators: [.string("wp-1")])))
        roundTrip(.resync(epoch: "e", after: [:], signedIn: nil))
        roundTrip(.resync(epoch: "e", after: ["alice": 0, "bob": CallControlProtocol.maxNumber], signedIn: nil))
        roundTrip(.resync(epoch: "e", after: [:], signedIn: []))
        roundTrip(.resync(epoch: "e", after: ["alice": 3], signedIn: ["alice", "ž"]))
        roundTrip(.resynced(lost: [], signedOut: []))
        roundTrip(.resynced(lost: ["alice", "bob"], signedOut: ["carol"]))
    }

    /// Every agent event a back end may send arrives as the one sent.
    @Test func everyAgentEventRoundTripsInAnEventMessage() {
        let call = AgentObjectSamples.fullCall()
        let events: [AgentEvent] = [
            .connect(version: "4.0.0"), .credentials, .loginError(code: LoginErrorCode(rawValue: 6), message: "down"),
            .user(AgentObjectSamples.fullUser()), .identify(identificators: [.string("wp-1"), .object(["id": .integer(2)])]),
            .identifier(identificator: "wp-1"), .device(["id": .integer(3), "name": .string("Yealink")]), .ready(Self.snapshot),
            .stateChange(status: .aux, reason: "Oběd"), .stateChange(status: .ready, reason: nil),
            .callNew(call), .callRinging(call), .callConnect(call), .callHold(call), .callResume(call), .callHangup(call),
            .callMute(call), .callUnmute(call), .agentSuspend(queueId: 12), .agentResume(queueId: 12),
            .waitingCallersChange(waitingCallers: 4),
            .message(AgentMessage(message: "limit", type: .warning, group: "queues", data: ["q": .integer(1)])),
            .message(AgentMessage(message: "plain", type: .warning)),
            .error(message: "e"), .warning(message: "w"), .info(message: "i"), .primary(primary: true, tabs: 2),
        ]
        for (index, event) in events.enumerated() {
            roundTrip(.event(user: "alice", n: UInt64(index + 1), event: event))
        }
    }

    /// An unknown `type`, an unknown event name and unknown members are ignored: either side may
    /// add to the protocol without a version change.
    @Test func unknownTypesEventsAndMembersAreIgnored() {
        #expect(decode(#"{"type":"ping","x":1}"#) == .success(.unknown(type: "ping")))
        #expect(decode(#"{"type":"event","user":"a","n":1,"event":"teleport","data":{}}"#) == .success(.unknown(type: "event teleport")))
        #expect(decode(#"{"type":"answer","id":1,"result":"done","extra":[1,2]}"#) == .success(.answer(id: 1, .done)))
    }

    // MARK: bad input

    @Test(arguments: [
        "",
        "[]",
        #""hello""#,
        #"{"type":1}"#,
        #"{"version":1}"#,
        #"{"type":"hello"}"#,
        #"{"type":"request","request":"summary"}"#,
        #"{"type":"request","id":-1,"request":"summary"}"#,
        #"{"type":"request","id":1}"#,
        #"{"type":"answer","result":"done"}"#,
        #"{"type":"answer","id":1,"result":"teleported"}"#,
        #"{"type":"answer","id":1,"result":"signedIn","state":"CREDENTIALS","user":{"id":1,"displayname":"a"}}"#,
        #"{"type":"event","user":"a","event":"callHangup","data":{}}"#,
        #"{"type":"event","user":"a","n":1,"event":"callHangup","data":{}}"#,
        #"{"type":"resync","after":{}}"#,
        #"{"type":"resync","epoch":"e","after":{"a":"1"}}"#,
        #"{"type":"resynced","lost":[1]}"#,
        #"{"type":"resync","epoch":"e","after":{},"signedIn":"alice"}"#,
        #"{"type":"resync","epoch":"e","after":{},"signedIn":[7]}"#,
        #"{"type":"resynced","lost":[],"signedOut":{}}"#,
        #"{"type":"hello","version":1} trailing"#,
        #"{"type":"answer","id":9007199254740992,"result":"done"}"#,
    ])
    func malformedMessagesCloseWith1002(_ input: String) throws {
        guard case .failure(let error) = decode(input), case .malformed = error else {
            Issue.record("\(input) was not refused as malformed: \(decode(input))")
            return
        }
        #expect(CloseCode(error) == .protocolError)
    }

    /// A request whose id is known is answered with an error instead: the connection goes on.
    @Test func badRequestsAreAnsweredNotClosed() throws {
        let cases: [(String, String)] = [
            (#"{"type":"request","id":5,"request":"teleport"}"#, "unknownRequest"),
            (#"{"type":"request","id":5,"request":"signOut"}"#, "badRequest"),
            (#"{"type":"request","id":5,"request":"setBusy","user":"a","busy":"yes"}"#, "badRequest"),
            (#"{"type":"request","id":5,"request":"execute","user":"a","method":"teleport"}"#, "unknownMethod"),
            (#"{"type":"request","id":5,"request":"execute","user":"a","method":"dial","params":{}}"#, "invalidParams"),
            (#"{"type":"request","id":5,"request":"admin","method":"DELETE","path":"/admin/calls","query":null}"#, "badRequest"),
            (#"{"type":"request","id":5,"request":"lookUp","lookups":[{"kind":"psychic","value":"x"}]}"#, "badRequest"),
        ]
        for (input, code) in cases {
            guard case .failure(let error) = decode(input), case .badRequest(5, let got, _) = error else {
                Issue.record("\(input): \(decode(input))")
                continue
            }
            #expect(got == code, "\(input)")
            guard case .answer(5, .failed(let refusal))? = error.answer else {
                Issue.record("no answer for \(input)")
                continue
            }
            #expect(refusal.code == code)
            #expect(refusal.httpStatus == 400)
        }
    }

    @Test func anotherVersionClosesWith4010() {
        #expect(CloseCode(CallControlProtocolError.unsupportedVersion(2)) == .callControlVersion)
        #expect(CloseCode.callControlVersion.rawValue == 4010)
    }
}
