import Testing
@testable import ClickToCall
@testable import AgentProtocol
@testable import JSON

/// docs/agent-protocol.md, "Requests": every docs/compatibility.md §1.4 method parsed with good and bad params.
@Suite struct AgentRequestTests {
    private func parse(_ text: String) -> Result<AgentRequest, AgentProtocolError> {
        AgentRequest.parse(Array(text.utf8))
    }

    /// The command of a request with id 1, or nil (and the failure recorded) when refused.
    private func command(_ method: String, _ params: String? = nil) -> AgentCommand? {
        let text = params.map { #"{"id":1,"method":""# + method + #"","params":"# + $0 + "}" }
            ?? #"{"id":1,"method":""# + method + #""}"#
        switch parse(text) {
        case .success(let request):
            #expect(request.id == .number("1"))
            return request.command
        case .failure(let error):
            Issue.record("\(text) refused: \(error)")
            return nil
        }
    }

    /// The refusal of a request with id 7, as exact reply bytes.
    private func refusal(_ method: String, _ params: String) -> String {
        switch parse(#"{"id":7,"method":""# + method + #"","params":"# + params + "}") {
        case .success(let request): return "accepted: \(request.command)"
        case .failure(let error): return String(decoding: AgentReply.error(error).encoded(), as: UTF8.self)
        }
    }

    private func invalid(_ method: String, _ param: String, _ expected: String) -> String {
        #"{"id":7,"error":{"code":"invalidParams","text":""# + method + #": \""# + param + #"\" must be "#
            + expected + #"","param":""# + param + #""}}"#
    }

    // MARK: envelope

    @Test func envelopeAndIdsAsWritten() throws {
        let request = try parse(#" {"params":{"number":"0800123456","queue":"directCall"},"method":"dial","id":"a\"b","v":1} "#).get()
        #expect(request.id == .string(#"a\"b"#))
        #expect(request.command == .dial(DialParams(number: "0800123456", queue: .directCall)))
        #expect(try parse(#"{"id":-1.5e3,"method":"hangup"}"#).get().id == .number("-1.5e3"))
        // `params` null or absent is an empty object.
        #expect(try parse(#"{"id":2,"method":"answer","params":null}"#).get().command == .answer)
    }

    @Test func badEnvelopes() {
        func reply(_ text: String) -> String {
            switch parse(text) {
            case .success: return "accepted"
            case .failure(let error): return String(decoding: AgentReply.error(error).encoded(), as: UTF8.self)
            }
        }
        #expect(reply("[1]") == #"{"error":{"code":"badRequest","text":"bad request: not a JSON object"}}"#)
        #expect(reply(#"{"method":"hangup"}"#) == #"{"error":{"code":"badRequest","text":"bad request: no \"id\""}}"#)
        #expect(reply(#"{"id":null,"method":"hangup"}"#)
            == #"{"error":{"code":"badRequest","text":"bad request: \"id\" must be a number or a string"}}"#)
        #expect(reply(#"{"id":true,"method":"hangup"}"#)
            == #"{"error":{"code":"badRequest","text":"bad request: \"id\" must be a number or a string"}}"#)
        #expect(reply(#"{"id":3}"#) == #"{"id":3,"error":{"code":"badRequest","text":"bad request: \"method\" must be a string"}}"#)
        #expect(reply(#"{"id":3,"method":5}"#) == #"{"id":3,"error":{"code":"badRequest","text":"bad request: \"method\" must be a string"}}"#)
        #expect(reply(#"{"id":3,"method":"Dial"}"#) == #"{"id":3,"error":{"code":"unknownMethod","text":"unknown method \"Dial\""}}"#)
        #expect(reply(#"{"id":3,"method":"testRingingSound"}"#)
            == #"{"id":3,"error":{"code":"unknownMethod","text":"unknown method \"testRingingSound\""}}"#)
        #expect(reply(#"{"id":3,"method":"hangup","params":[]}"#)
            == #"{"id":3,"error":{"code":"invalidParams","text":"hangup: \"params\" must be an object","param":"params"}}"#)
        // Malformed after the id: the id is still echoed.
        #expect(reply(#"{"id":"x","method":"hangup",}"#)
            == #"{"id":"x","error":{"code":"badRequest","text":"bad request: not valid JSON (expected a member name at byte 28)"}}"#)
        // Duplicate names are refused (RFC 8259 §4 leaves them undefined).
        #expect(reply(#"{"id":4,"method":"hangup","method":"answer"}"#)
            == #"{"id":4,"error":{"code":"badRequest","text":"bad request: not valid JSON (duplicate member name at byte 26)"}}"#)
    }

    /// Issue 18 defect 6: `{"id":"\ud800"}` is refused (a lone surrogate is not a scalar), and
    /// its error reply must not echo that id: every reply is JSON Callgate's own parser accepts.
    @Test func loneSurrogateIdIsNotEchoed() throws {
        for text in [#"{"id":"\ud800"}"#, #"{"id":"\ud800","method":"hangup"}"#, #"{"id":"x\udc00","method":"state"}"#] {
            guard case .failure(let error) = parse(text) else { Issue.record("accepted: \(text)"); continue }
            #expect(error.id == nil, "\(text)")
            let reply = AgentReply.error(error).encoded()
            let value = try JSONValue(parsing: String(decoding: reply, as: UTF8.self))
            guard case .object(let members) = value else { Issue.record("not an object"); continue }
            #expect(members["id"] == nil)
            #expect(members["error"] != nil)
        }
    }

    @Test func sizeLimitIsCheckedBeforeParsing() {
        let text = Array(#"{"id":9,"method":"notify","params":{"title":"xxxxxxxxxx"}}"#.utf8)
        #expect(throws: Never.self) { try AgentRequest.parse(text, maxBytes: text.count).get() }
        guard case .failure(let error) = AgentRequest.parse(text, maxBytes: text.count - 1) else {
            Issue.record("accepted"); return
        }
        #expect(String(decoding: AgentReply.error(error).encoded(), as: UTF8.self)
            == #"{"id":9,"error":{"code":"tooLarge","text":"request of 58 bytes is longer than the limit of 57 bytes"}}"#)
    }

    // MARK: methods without parameters

    @Test func methodsWithoutParams() {
        let cases: [(String, AgentCommand)] = [
            ("logout", .logout), ("provision", .provision), ("identify", .identify), ("answer", .answer),
            ("hangup", .hangup), ("finishTransfer", .finishTransfer), ("hold", .hold), ("unhold", .unhold),
            ("mute", .mute), ("state", .state),
        ]
        for (method, expected) in cases {
            #expect(command(method) == expected, "\(method)")
            #expect(command(method, "{}") == expected, "\(method)")
            // Unknown members are ignored (forward compatibility).
            #expect(command(method, #"{"future":[1,{"a":null}]}"#) == expected, "\(method)")
            #expect(refusal(method, "\"x\"") == #"{"id":7,"error":{"code":"invalidParams","text":""# + method
                + #": \"params\" must be an object","param":"params"}}"#)
        }
    }

    // MARK: callHistory

    @Test func callHistory() {
        #expect(command("callHistory") == .callHistory(CallHistoryQuery()))
        #expect(command("callHistory", #"{"filter":"602","direction":"INCOMING","limit":200}"#)
            == .callHistory(CallHistoryQuery(filter: "602", direction: .incoming, limit: 200)))
        #expect(command("callHistory", #"{"filter":null,"direction":null,"limit":null}"#) == .callHistory(CallHistoryQuery()))
        #expect(refusal("callHistory", #"{"limit":0}"#) == invalid("callHistory", "limit", "null or an integer from 1 to 200"))
        #expect(refusal("callHistory", #"{"limit":201}"#) == invalid("callHistory", "limit", "null or an integer from 1 to 200"))
        #expect(refusal("callHistory", #"{"direction":"incoming"}"#)
            == invalid("callHistory", "direction", #"null, \"INCOMING\" or \"OUTGOING\""#))
        #expect(refusal("callHistory", #"{"filter":5}"#) == invalid("callHistory", "filter", "null or a string"))
    }

    // MARK: login, sso, attach

    @Test func login() {
        #expect(command("login", #"{"username":"alice","password":"s3cret","remember":true}"#)
            == .login(username: "alice", password: "s3cret", remember: true, options: SignInOptions()))
        #expect(command("login", #"{"username":"alice","password":"s3cret"}"#)
            == .login(username: "alice", password: "s3cret", remember: false, options: SignInOptions()))
        #expect(command("login", #"{"username":"alice","password":"s3cret","autologout":false}"#)
            == .login(username: "alice", password: "s3cret", remember: false, options: SignInOptions(autologout: false)))
        #expect(refusal("login", #"{"username":"alice","password":"x","autologout":"no"}"#) == invalid("login", "autologout", "a boolean"))
        #expect(command("login", #"{"username":"alice","password":"s3cret","tab":"t-1"}"#)
            == .login(username: "alice", password: "s3cret", remember: false, options: SignInOptions(tab: "t-1")))
        #expect(refusal("login", #"{"password":"x"}"#) == invalid("login", "username", "a non-empty string"))
        #expect(refusal("login", #"{"username":"","password":"x"}"#) == invalid("login", "username", "a non-empty string"))
        #expect(refusal("login", #"{"username":"a","password":7}"#) == invalid("login", "password", "a non-empty string"))
        #expect(refusal("login", #"{"username":"a","password":"x","remember":"yes"}"#) == invalid("login", "remember", "a boolean"))
    }

    @Test func sso() {
        #expect(command("sso", #"{"username":"alice","token":"dG9r","provider":"Jmeno CRM"}"#)
            == .sso(username: "alice", token: "dG9r", provider: "Jmeno CRM", options: SignInOptions()))
        #expect(command("sso", #"{"username":"alice","token":"dG9r"}"#) == .sso(username: "alice", token: "dG9r", provider: "", options: SignInOptions()))
        #expect(command("sso", #"{"username":"alice","token":"dG9r","autologout":false,"logoutOnClose":true}"#)
            == .sso(username: "alice", token: "dG9r", provider: "", options: SignInOptions(autologout: false, logoutOnClose: true)))
        #expect(refusal("sso", #"{"username":"a","token":"t","logoutOnClose":1}"#) == invalid("sso", "logoutOnClose", "a boolean"))
        #expect(refusal("sso", #"{"username":"alice"}"#) == invalid("sso", "token", "a non-empty string"))
        #expect(refusal("sso", #"{"username":"alice","token":"t","provider":1}"#) == invalid("sso", "provider", "null or a string"))
    }

    /// `tab` on `login`, `sso` and `attach`: null or 1–64 bytes.
    @Test func tabIDs() {
        let longest = String(repeating: "é", count: 32)   // 64 bytes
        #expect(command("sso", #"{"username":"a","token":"t","tab":"\#(longest)"}"#)
            == .sso(username: "a", token: "t", provider: "", options: SignInOptions(tab: longest)))
        #expect(command("attach", #"{"lastSeq":0,"tab":null}"#) == .attach(lastSeq: 0, token: nil, tab: nil))
        let expected = "null or a string of 1 to 64 bytes"
        for method in ["login", "sso", "attach"] {
            let base = [#""username":"a","password":"p""#, #""username":"a","token":"t""#, #""lastSeq":0"#][["login", "sso", "attach"].firstIndex(of: method)!]
            #expect(refusal(method, "{\(base),\"tab\":\"\"}") == invalid(method, "tab", expected))
            #expect(refusal(method, "{\(base),\"tab\":\"\(longest)x\"}") == invalid(method, "tab", expected))
            #expect(refusal(method, "{\(base),\"tab\":7}") == invalid(method, "tab", expected))
        }
    }

    @Test func ping() {
        #expect(command("ping", "{}") == .ping)
        #expect(command("ping", #"{"anything":1}"#) == .ping)
    }

    @Test func attachAndAck() {
        #expect(command("attach", #"{"lastSeq":41,"token":"v1.abc.def"}"#) == .attach(lastSeq: 41, token: "v1.abc.def", tab: nil))
        #expect(command("attach", #"{"lastSeq":0}"#) == .attach(lastSeq: 0, token: nil, tab: nil))
        #expect(command("attach", #"{"lastSeq":3,"tab":"7f1c2a9e-4b1d-4c3e-9a55-0e2f6d1b8c47"}"#)
            == .attach(lastSeq: 3, token: nil, tab: "7f1c2a9e-4b1d-4c3e-9a55-0e2f6d1b8c47"))
        #expect(refusal("attach", #"{}"#) == invalid("attach", "lastSeq", "a non-negative integer"))
        #expect(refusal("attach", #"{"lastSeq":-1}"#) == invalid("attach", "lastSeq", "a non-negative integer"))
        #expect(refusal("attach", #"{"lastSeq":"41"}"#) == invalid("attach", "lastSeq", "a non-negative integer"))
        #expect(refusal("attach", #"{"lastSeq":1,"token":""}"#) == invalid("attach", "token", "null or a non-empty string"))
        #expect(command("ack", #"{"seq":17}"#) == .ack(seq: 17))
        #expect(refusal("ack", #"{"seq":0}"#) == invalid("ack", "seq", "a positive integer"))
        #expect(refusal("ack", #"{"seq":1.5}"#) == invalid("ack", "seq", "a positive integer"))
        #expect(refusal("ack", #"{"seq":true}"#) == invalid("ack", "seq", "a positive integer"))
    }

    // MARK: pairing

    @Test func selectIdentifierUnderBothNames() {
        #expect(command("selectIdentifier", #"{"identifier":"cisco"}"#) == .selectIdentifier(identifier: "cisco"))
        #expect(command("identificator", #"{"identifier":"cisco"}"#) == .selectIdentifier(identifier: "cisco"))
        #expect(command("selectIdentifier", #"{"identificator":"10.0.0.7"}"#) == .selectIdentifier(identifier: "10.0.0.7"))
        #expect(command("identificator", #"{"identifier":"a","identificator":"b"}"#) == .selectIdentifier(identifier: "a"))
        #expect(refusal("selectIdentifier", #"{}"#) == invalid("selectIdentifier", "identifier", "a non-empty string"))
        #expect(refusal("identificator", #"{"identificator":5}"#) == invalid("selectIdentifier", "identificator", "a non-empty string"))
    }

    // MARK: status and queues

    @Test func changeStatus() {
        #expect(command("changeStatus", #"{"status":"READY"}"#) == .changeStatus(status: .ready, reason: nil))
        #expect(command("changeStatus", #"{"status":"AUX","reason":"Oběd"}"#) == .changeStatus(status: .aux, reason: "Oběd"))
        #expect(command("changeStatus", #"{"status":"OFFLINE","reason":null}"#) == .changeStatus(status: .offline, reason: nil))
        #expect(command("changeStatus", #"{"status":"ACW"}"#) == .changeStatus(status: .acw, reason: nil))
        let expected = "one of OFFLINE, READY, ACW, AUX"
        #expect(refusal("changeStatus", #"{"status":"ready"}"#) == invalid("changeStatus", "status", expected))
        #expect(refusal("changeStatus", #"{"status":"BUSY"}"#) == invalid("changeStatus", "status", expected))
        #expect(refusal("changeStatus", #"{}"#) == invalid("changeStatus", "status", expected))
        #expect(refusal("changeStatus", #"{"status":"AUX","reason":3}"#) == invalid("changeStatus", "reason", "null or a string"))
    }

    @Test func suspendAndResumeTakeAQueueId() {
        #expect(command("suspend", #"{"queue":12}"#) == .suspend(queue: 12))
        #expect(command("resume", #"{"queue":12.0}"#) == .resume(queue: 12))
        for method in ["suspend", "resume"] {
            for bad in [#"{}"#, #"{"queue":"12"}"#, #"{"queue":-3}"#, #"{"queue":1.5}"#, #"{"queue":null}"#, #"{"queue":1e400}"#] {
                #expect(refusal(method, bad) == invalid(method, "queue", "a non-negative integer"), "\(method) \(bad)")
            }
        }
    }

    // MARK: call control

    @Test func dial() {
        #expect(command("dial", #"{"number":"0800123456"}"#) == .dial(DialParams(number: "0800123456")))
        #expect(command("dial", #"{"number":"0800123456","queue":"undefined"}"#) == .dial(DialParams(number: "0800123456", queue: .undefined)))
        #expect(command("dial", #"{"number":"+420 602 123 456","queue":5,"line":2,"data":{"crmId":"C-9","n":[1,2]},"idempotencyKey":"k-1"}"#)
            == .dial(DialParams(number: "+420 602 123 456", queue: .id(5), line: 2,
                                data: ["crmId": .string("C-9"), "n": .array([.number("1"), .number("2")])],
                                idempotencyKey: "k-1")))
        #expect(refusal("dial", #"{}"#) == invalid("dial", "number", "a non-empty string"))
        #expect(refusal("dial", #"{"number":""}"#) == invalid("dial", "number", "a non-empty string"))
        #expect(refusal("dial", #"{"number":800123456}"#) == invalid("dial", "number", "a non-empty string"))
        #expect(refusal("dial", #"{"number":"1","queue":"direct"}"#)
            == invalid("dial", "queue", #"a non-negative integer, \"directCall\" or \"undefined\""#))
        #expect(refusal("dial", #"{"number":"1","line":"2"}"#) == invalid("dial", "line", "null or a non-negative integer"))
        #expect(refusal("dial", #"{"number":"1","data":[]}"#) == invalid("dial", "data", "null or an object"))
        #expect(refusal("dial", #"{"number":"1","idempotencyKey":""}"#) == invalid("dial", "idempotencyKey", "null or a non-empty string"))
        let long = String(repeating: "k", count: 129)
        #expect(refusal("dial", #"{"number":"1","idempotencyKey":""# + long + #""}"#)
            == invalid("dial", "idempotencyKey", "a string of 1 to 128 UTF-8 bytes"))
        #expect(command("dial", #"{"number":"1","idempotencyKey":""# + String(long.dropFirst()) + #""}"#) != nil)
    }

    @Test func transfers() {
        #expect(command("transfer") == .transfer(number: nil))
        #expect(command("transfer", #"{"number":null}"#) == .transfer(number: nil))
        #expect(command("transfer", #"{"number":"201"}"#) == .transfer(number: "201"))
        #expect(refusal("transfer", #"{"number":""}"#) == invalid("transfer", "number", "null or a non-empty string"))
        #expect(refusal("transfer", #"{"number":201}"#) == invalid("transfer", "number", "null or a non-empty string"))
        #expect(command("blindTransfer", #"{"number":"201"}"#) == .blindTransfer(number: "201"))
        #expect(refusal("blindTransfer", #"{}"#) == invalid("blindTransfer", "number", "a non-empty string"))
    }

    @Test func notify() {
        #expect(command("notify", #"{"title":"Špatné heslo"}"#) == .notify(NotifyParams(title: "Špatné heslo")))
        #expect(command("notify", #"{"title":"Chybný identifikátor: {identificator}","type":"error","unique":true,"timeout":5000,"boundState":"CREDENTIALS","group":"login","other":{"values":{"identificator":"cisco"}}}"#)
            == .notify(NotifyParams(title: "Chybný identifikátor: {identificator}", type: .error, unique: true, timeout: 5000,
                                    boundState: .credentials, group: "login",
                                    other: ["values": .object(["identificator": .string("cisco")])])))
        #expect(command("notify", #"{"title":"t","timeout":null,"boundState":null}"#) == .notify(NotifyParams(title: "t")))
        #expect(refusal("notify", #"{}"#) == invalid("notify", "title", "a non-empty string"))
        #expect(refusal("notify", #"{"title":"t","type":"fatal"}"#) == invalid("notify", "type", "one of error, warning, success, info"))
        #expect(refusal("notify", #"{"title":"t","unique":1}"#) == invalid("notify", "unique", "a boolean"))
        #expect(refusal("notify", #"{"title":"t","timeout":-1}"#) == invalid("notify", "timeout", "null or a non-negative integer"))
        #expect(refusal("notify", #"{"title":"t","boundState":"ready"}"#)
            == invalid("notify", "boundState", "null or one of CREDENTIALS, IDENTIFY, DEVICE, READY"))
        #expect(refusal("notify", #"{"title":"t","group":false}"#) == invalid("notify", "group", "null or a string"))
        #expect(refusal("notify", #"{"title":"t","other":"x"}"#) == invalid("notify", "other", "null or an object"))
    }

    @Test func setAccountCode() {
        #expect(command("setAccountCode", #"{"uniqueid":"1700000000.42","accountCode":"SALES"}"#)
            == .setAccountCode(AccountCodeParams(uniqueid: "1700000000.42", accountCode: "SALES")))
        #expect(command("setAccountCode", #"{"uniqueid":"u","accountCode":"A","subAccountCode":"B","override":true}"#)
            == .setAccountCode(AccountCodeParams(uniqueid: "u", accountCode: "A", subAccountCode: "B", override: true)))
        #expect(refusal("setAccountCode", #"{"accountCode":"A"}"#) == invalid("setAccountCode", "uniqueid", "a non-empty string"))
        #expect(refusal("setAccountCode", #"{"uniqueid":"u"}"#) == invalid("setAccountCode", "accountCode", "a non-empty string"))
        #expect(refusal("setAccountCode", #"{"uniqueid":"u","accountCode":"A","subAccountCode":1}"#)
            == invalid("setAccountCode", "subAccountCode", "null or a string"))
        #expect(refusal("setAccountCode", #"{"uniqueid":"u","accountCode":"A","override":"false"}"#)
            == invalid("setAccountCode", "override", "a boolean"))
    }

    @Test func selectRingingSound() {
        for sound in ["default", "christmas", "lovingYou", "quest", "rush"] {
            #expect(command("selectRingingSound", #"{"ringingSound":""# + sound + #""}"#)
                == .selectRingingSound(ringingSound: RingingSound(rawValue: sound)!))
        }
        let expected = "one of default, christmas, lovingYou, quest, rush"
        #expect(refusal("selectRingingSound", #"{"ringingSound":"lovingyou"}"#) == invalid("selectRingingSound", "ringingSound", expected))
        #expect(refusal("selectRingingSound", #"{}"#) == invalid("selectRingingSound", "ringingSound", expected))
    }

    /// `dtmf`: 1–32 of `0-9 * # A-D`, upper case, as written (the Vodia popup's keypad).
    @Test func dtmf() {
        #expect(command("dtmf", #"{"digits":"5"}"#) == .dtmf(digits: "5"))
        #expect(command("dtmf", #"{"digits":"0123456789*#ABCD"}"#) == .dtmf(digits: "0123456789*#ABCD"))
        #expect(command("dtmf", #"{"digits":""# + String(repeating: "#", count: 32) + #"","other":1}"#)
            == .dtmf(digits: String(repeating: "#", count: 32)))
        let expected = "a string of 1 to 32 of 0-9 * # A-D"
        for bad in [#"{}"#, #"{"digits":null}"#, #"{"digits":""}"#, #"{"digits":5}"#, #"{"digits":["1"]}"#,
                    #"{"digits":"a"}"#, #"{"digits":"E"}"#, #"{"digits":"1 2"}"#, #"{"digits":"1,2"}"#,
                    #"{"digits":"١"}"#, #"{"digits":"\u0000"}"#,
                    #"{"digits":""# + String(repeating: "1", count: 33) + #""}"#] {
            #expect(refusal("dtmf", bad) == invalid("dtmf", "digits", expected), "\(bad)")
        }
        #expect(refusal("dtmf", #"[]"#) == invalid("dtmf", "params", "an object"))
        for byte in UInt8.min...UInt8.max {
            let allowed = (0x30...0x39).contains(byte) || byte == 0x2A || byte == 0x23 || (0x41...0x44).contains(byte)
            #expect(AgentCommand.isDTMFDigit(byte) == allowed, "\(byte)")
        }
    }

    /// Every method of docs/compatibility.md §1.4 (plus attach and ack) has a parse test above.
    @Test func everyMethodNameParses() {
        let minimal: [AgentMethod: String] = [
            .login: #"{"username":"u","password":"p"}"#, .sso: #"{"username":"u","token":"t"}"#,
            .selectIdentifier: #"{"identifier":"i"}"#, .changeStatus: #"{"status":"READY"}"#,
            .suspend: #"{"queue":1}"#, .resume: #"{"queue":1}"#, .dial: #"{"number":"1"}"#,
            .blindTransfer: #"{"number":"1"}"#, .notify: #"{"title":"t"}"#,
            .setAccountCode: #"{"uniqueid":"u","accountCode":"a"}"#,
            .selectRingingSound: #"{"ringingSound":"rush"}"#, .attach: #"{"lastSeq":0}"#, .ack: #"{"seq":1}"#,
            .dtmf: #"{"digits":"1"}"#,
        ]
        for method in AgentMethod.allCases {
            #expect(command(method.rawValue, minimal[method] ?? "{}")?.method == method, "\(method)")
        }
        #expect(AgentMethod.allCases.count == 27)
    }
}
