import Testing
@testable import AgentProtocol

/// docs/compatibility.md §1.4 "Funkce je možné volat v následujících stavech", typed out from the guide, and the
/// documented choices for the methods the guide's list omits.
@Suite struct AgentMethodStateTests {
    private static let c = AgentState.credentials, i = AgentState.identify, d = AgentState.device, r = AgentState.ready

    /// From the guide's list (names as the guide spells them), then docs/agent-protocol.md's choices.
    private static let table: [(String, Set<AgentState>)] = [
        ("login", [c]), ("sso", [c]), ("logout", [i, d, r]), ("identificator", [i, d]), ("provision", [i, d]),
        ("identify", [d, r]), ("changeStatus", [r]), ("suspend", [r]), ("resume", [r]), ("answer", [r]),
        ("dial", [r]), ("hangup", [r]), ("transfer", [r]), ("hold", [r]), ("unhold", [r]),
        ("notify", [c, i, d, r]), ("state", [r]), ("selectRingingSound", [r]),
        // Not in the guide's list: chosen.
        ("finishTransfer", [r]), ("blindTransfer", [r]), ("mute", [r]), ("setAccountCode", [r]),
        ("attach", [c]), ("ack", [r]), ("callHistory", [i, d, r]), ("dtmf", [r]), ("ping", [c, i, d, r]),
    ]

    @Test func tableCoversEveryMethodOnce() {
        let methods = Self.table.map { AgentMethod(wireName: $0.0)! }
        #expect(Set(methods) == Set(AgentMethod.allCases))
        #expect(methods.count == AgentMethod.allCases.count)
    }

    @Test(arguments: AgentState.allCases)
    func everyMethodInEveryState(state: AgentState) {
        for (name, allowed) in Self.table {
            let method = AgentMethod(wireName: name)!
            #expect(method.allowedStates == allowed, "\(name)")
            if allowed.contains(state) {
                #expect(method.check(in: state) == nil, "\(name) in \(state)")
            } else {
                #expect(method.check(in: state)?.kind == .wrongState(method: method, state: state), "\(name) in \(state)")
            }
        }
    }

    @Test func wrongStateReplyBytes() throws {
        let request = try AgentRequest.parse(Array(#"{"id":5,"method":"dial","params":{"number":"0800123456","queue":"directCall"}}"#.utf8)).get()
        #expect(request.check(in: .ready) == nil)
        let error = try #require(request.check(in: .credentials))
        #expect(String(decoding: AgentReply.error(error).encoded(), as: UTF8.self)
            == #"{"id":5,"error":{"code":"wrongState","text":"dial is allowed in READY; the session is in CREDENTIALS","state":"CREDENTIALS"}}"#)

        let logout = try AgentRequest.parse(Array(#"{"id":"L","method":"logout"}"#.utf8)).get()
        #expect(String(decoding: AgentReply.error(try #require(logout.check(in: .credentials))).encoded(), as: UTF8.self)
            == #"{"id":"L","error":{"code":"wrongState","text":"logout is allowed in IDENTIFY, DEVICE, READY; the session is in CREDENTIALS","state":"CREDENTIALS"}}"#)
        let alias = try AgentRequest.parse(Array(#"{"id":1,"method":"identificator","params":{"identifier":"x"}}"#.utf8)).get()
        #expect(alias.check(in: .ready)?.text == "selectIdentifier is allowed in IDENTIFY, DEVICE; the session is in READY")
    }

    @Test func methodNamesAreTheSeedsVerbatim() {
        #expect(AgentMethod.allCases.map(\.rawValue) == [
            "login", "sso", "logout", "selectIdentifier", "provision", "identify", "changeStatus", "suspend",
            "resume", "answer", "dial", "hangup", "transfer", "finishTransfer", "blindTransfer", "hold",
            "unhold", "mute", "notify", "state", "setAccountCode", "selectRingingSound", "attach", "ack", "callHistory",
            "dtmf", "ping",
        ])
        #expect(AgentMethod(wireName: "identificator") == .selectIdentifier)
        #expect(AgentMethod(rawValue: "identificator") == nil)
        #expect(AgentMethod(wireName: "Login") == nil)
        #expect(AgentState.allCases.map(\.rawValue) == ["CREDENTIALS", "IDENTIFY", "DEVICE", "READY"])
        #expect(AgentStatus.allCases.map(\.rawValue) == ["OFFLINE", "READY", "ACW", "AUX"])
    }
}
