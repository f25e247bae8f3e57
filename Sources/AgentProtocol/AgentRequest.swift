import JSON
import MuxEnvelope

/// One request from an agent bar: `{"id":<number|string>,"method":"dial","params":{…}}`, one
/// WebSocket text message (docs/agent-protocol.md, "Requests").
public struct AgentRequest: Hashable, Sendable {
    /// Longest request accepted by default, in bytes.
    public static let defaultMaxBytes = 64 * 1024

    /// The id as the browser wrote it; the reply echoes it byte for byte.
    public var id: RequestID
    public var command: AgentCommand

    public init(id: RequestID, command: AgentCommand) {
        self.id = id
        self.command = command
    }

    public var method: AgentMethod { command.method }

    /// Nil when the request may be made in `state`, else `wrongState` carrying this request's id.
    public func check(in state: AgentState) -> AgentProtocolError? {
        method.check(in: state)?.answering(id)
    }

    /// Parses and validates a text message. Failures carry the request's id whenever one could
    /// be read (even from a message that is malformed after it), so the gateway can reply.
    ///
    /// - The message is at most `maxBytes` long (`tooLarge`), strict RFC 8259 JSON (`JSONParser`:
    ///   UTF-8, no duplicate names, nesting ≤ 32), and an object (`badRequest`).
    /// - `id` is a JSON number or string, read as written (`RequestIDScanner`; the member name must
    ///   be written plainly as `"id"`); `method` is a string (`badRequest`) naming an `AgentMethod`
    ///   or the alias `identificator` (`unknownMethod`); `params` is an object, `null` or absent
    ///   (`invalidParams`, param `params`). Other top-level members are ignored.
    /// - Each method's parameters are validated as listed in docs/agent-protocol.md; members
    ///   that are not parameters of the method are ignored, and `null` counts as absent.
    public static func parse(_ text: [UInt8], maxBytes: Int = defaultMaxBytes) -> Result<AgentRequest, AgentProtocolError> {
        text.withUnsafeBytes { parse($0, maxBytes: maxBytes) }
    }

    public static func parse(_ text: UnsafeRawBufferPointer, maxBytes: Int = defaultMaxBytes) -> Result<AgentRequest, AgentProtocolError> {
        let id = RequestIDScanner.requestID(in: text)
        func failure(_ kind: AgentProtocolError.Kind, id: RequestID? = id) -> Result<AgentRequest, AgentProtocolError> {
            .failure(AgentProtocolError(id: id, kind: kind))
        }
        guard text.count <= maxBytes else { return failure(.tooLarge(length: text.count, limit: maxBytes)) }
        let document: JSONValue
        switch JSONParser.parse(text) {
        case .success(let value): document = value
        case .failure(let error): return failure(.badRequest("not valid JSON (\(error.reason) at byte \(error.offset))"))
        }
        guard case .object(let members) = document else { return failure(.badRequest("not a JSON object")) }
        guard let id else {
            return failure(.badRequest(members["id"] == nil ? "no \"id\"" : "\"id\" must be a number or a string"), id: nil)
        }
        guard case .string(let name)? = members["method"] else { return failure(.badRequest("\"method\" must be a string")) }
        guard let method = AgentMethod(wireName: name) else { return failure(.unknownMethod(name)) }
        let params: [String: JSONValue]
        switch members["params"] {
        case nil, .null?: params = [:]
        case .object(let object)?: params = object
        default: return failure(.invalidParams(method: method, param: "params", expected: "an object"))
        }
        let reader = ParamReader(method: method, params: params)
        do {
            return .success(AgentRequest(id: id, command: try reader.command()))
        } catch {
            return .failure(error.answering(id))
        }
    }
}

extension AgentRequest {
    /// The command a method name and its `params` object name, validated exactly as a request's
    /// (`parse`); the error carries no id. The call-control protocol carries commands this way
    /// (`AgentCommand.params`, docs/backend-protocol.md §12).
    public static func command(method name: String, params: [String: JSONValue]) -> Result<AgentCommand, AgentProtocolError> {
        guard let method = AgentMethod(wireName: name) else { return .failure(AgentProtocolError(id: nil, kind: .unknownMethod(name))) }
        return Result { () throws(AgentProtocolError) in try ParamReader(method: method, params: params).command() }
    }
}

/// Reads one method's parameters; every failure is `invalidParams` for the method.
private struct ParamReader {
    let method: AgentMethod
    let params: [String: JSONValue]

    func command() throws(AgentProtocolError) -> AgentCommand {
        switch method {
        case .login:
            return .login(username: try string("username"), password: try string("password"),
                          remember: try bool("remember", default: false), options: try signInOptions())
        case .sso:
            return .sso(username: try string("username"), token: try string("token"),
                        provider: try optionalString("provider", nonEmpty: false) ?? "",
                        options: try signInOptions())
        case .logout: return .logout
        case .selectIdentifier:
            // The guide names the value `identifier` here and `identificator` in its callbacks.
            let name = present("identifier") || !present("identificator") ? "identifier" : "identificator"
            return .selectIdentifier(identifier: try string(name))
        case .provision: return .provision
        case .identify: return .identify
        case .changeStatus:
            return .changeStatus(status: try enumeration("status", AgentStatus.self, expected: "one of OFFLINE, READY, ACW, AUX"),
                                 reason: try optionalString("reason", nonEmpty: false))
        case .suspend: return .suspend(queue: try integer("queue"))
        case .resume: return .resume(queue: try integer("queue"))
        case .answer: return .answer
        case .dial: return .dial(try dial())
        case .hangup: return .hangup
        case .transfer: return .transfer(number: try optionalString("number", nonEmpty: true))
        case .finishTransfer: return .finishTransfer
        case .blindTransfer: return .blindTransfer(number: try string("number"))
        case .hold: return .hold
        case .unhold: return .unhold
        case .mute: return .mute
        case .notify: return .notify(try notify())
        case .state: return .state
        case .callHistory: return .callHistory(try callHistory())
        case .setAccountCode:
            return .setAccountCode(AccountCodeParams(
                uniqueid: try string("uniqueid"), accountCode: try string("accountCode"),
                subAccountCode: try optionalString("subAccountCode", nonEmpty: false),
                override: try bool("override", default: false)))
        case .selectRingingSound:
            return .selectRingingSound(ringingSound: try enumeration(
                "ringingSound", RingingSound.self, expected: "one of default, christmas, lovingYou, quest, rush"))
        case .attach:
            return .attach(lastSeq: try sequenceNumber("lastSeq", minimum: 0),
                           token: try optionalString("token", nonEmpty: true), tab: try tab(),
                           epoch: try optionalString("epoch", nonEmpty: false))
        case .ack:
            return .ack(seq: try sequenceNumber("seq", minimum: 1))
        case .dtmf:
            return .dtmf(digits: try dtmfDigits())
        case .ping:
            return .ping
        }
    }

    /// `digits`: 1 to `AgentCommand.maxDTMFDigits` of `0-9 * # A-D`, upper case only (one
    /// spelling per tone, as on the wire of RFC 4733).
    private func dtmfDigits() throws(AgentProtocolError) -> String {
        let expected = "a string of 1 to \(AgentCommand.maxDTMFDigits) of 0-9 * # A-D"
        guard case .string(let digits)? = params["digits"], (1...AgentCommand.maxDTMFDigits).contains(digits.utf8.count),
              digits.utf8.allSatisfy(AgentCommand.isDTMFDigit) else { throw invalid("digits", expected) }
        return digits
    }

    private func dial() throws(AgentProtocolError) -> DialParams {
        let queue: DialQueue
        switch params["queue"] {
        case nil, .null?, .string("undefined")?: queue = .undefined
        case .string("directCall")?: queue = .directCall
        case let value?:
            guard let id = value.int64Value, id >= 0, let id = Int(exactly: id) else {
                throw invalid("queue", "a non-negative integer, \"directCall\" or \"undefined\"")
            }
            queue = .id(id)
        }
        let key = try optionalString("idempotencyKey", nonEmpty: true)
        if let key, key.utf8.count > DialParams.maxIdempotencyKeyBytes {
            throw invalid("idempotencyKey", "a string of 1 to \(DialParams.maxIdempotencyKeyBytes) UTF-8 bytes")
        }
        return DialParams(number: try string("number"), queue: queue, line: try optionalInteger("line"),
                          data: try optionalObject("data"), idempotencyKey: key)
    }

    private func notify() throws(AgentProtocolError) -> NotifyParams {
        let type = present("type")
            ? try enumeration("type", MessageType.self, expected: "one of error, warning, success, info") : .info
        let boundState = present("boundState")
            ? try enumeration("boundState", AgentState.self, expected: "null or one of CREDENTIALS, IDENTIFY, DEVICE, READY")
            : nil
        return NotifyParams(title: try string("title"), type: type, unique: try bool("unique", default: false),
                            timeout: try optionalInteger("timeout"), boundState: boundState,
                            group: try optionalString("group", nonEmpty: false), other: try optionalObject("other"))
    }

    private func signInOptions() throws(AgentProtocolError) -> SignInOptions {
        SignInOptions(autologout: try bool("autologout", default: true), logoutOnClose: try bool("logoutOnClose", default: false),
                      tab: try tab())
    }

    /// `tab`: null, or a string of 1 to `SignInOptions.maxTabBytes` bytes.
    private func tab() throws(AgentProtocolError) -> String? {
        switch params["tab"] {
        case nil, .null?: return nil
        case .string(let value)? where (1...SignInOptions.maxTabBytes).contains(value.utf8.count): return value
        default: throw invalid("tab", "null or a string of 1 to \(SignInOptions.maxTabBytes) bytes")
        }
    }

    private func callHistory() throws(AgentProtocolError) -> CallHistoryQuery {
        var query = CallHistoryQuery(filter: try optionalString("filter", nonEmpty: false))
        if present("direction") {
            query.direction = try enumeration("direction", CallDirection.self, expected: "null, \"INCOMING\" or \"OUTGOING\"")
        }
        if let limit = try optionalInteger("limit") {
            guard (1...CallHistoryQuery.maxLimit).contains(limit) else {
                throw invalid("limit", "null or an integer from 1 to \(CallHistoryQuery.maxLimit)")
            }
            query.limit = limit
        }
        return query
    }

    private func invalid(_ param: String, _ expected: String) -> AgentProtocolError {
        AgentProtocolError(id: nil, kind: .invalidParams(method: method, param: param, expected: expected))
    }

    /// Present and not `null`.
    private func present(_ name: String) -> Bool {
        switch params[name] {
        case nil, .null?: false
        default: true
        }
    }

    /// A required non-empty string.
    private func string(_ name: String) throws(AgentProtocolError) -> String {
        guard case .string(let value)? = params[name], !value.isEmpty else { throw invalid(name, "a non-empty string") }
        return value
    }

    private func optionalString(_ name: String, nonEmpty: Bool) throws(AgentProtocolError) -> String? {
        switch params[name] {
        case nil, .null?: return nil
        case .string(let value)? where !nonEmpty || !value.isEmpty: return value
        default: throw invalid(name, nonEmpty ? "null or a non-empty string" : "null or a string")
        }
    }

    private func bool(_ name: String, default fallback: Bool) throws(AgentProtocolError) -> Bool {
        switch params[name] {
        case nil, .null?: return fallback
        case .bool(let value)?: return value
        default: throw invalid(name, "a boolean")
        }
    }

    /// A required non-negative integer (whole-valued numbers such as `3.0` count).
    private func integer(_ name: String) throws(AgentProtocolError) -> Int {
        guard let value = params[name]?.int64Value, value >= 0, let int = Int(exactly: value) else {
            throw invalid(name, "a non-negative integer")
        }
        return int
    }

    private func optionalInteger(_ name: String) throws(AgentProtocolError) -> Int? {
        guard present(name) else { return nil }
        guard let value = params[name]?.int64Value, value >= 0, let int = Int(exactly: value) else {
            throw invalid(name, "null or a non-negative integer")
        }
        return int
    }

    private func sequenceNumber(_ name: String, minimum: UInt64) throws(AgentProtocolError) -> UInt64 {
        guard let value = params[name]?.int64Value, value >= 0, UInt64(value) >= minimum else {
            throw invalid(name, minimum == 0 ? "a non-negative integer" : "a positive integer")
        }
        return UInt64(value)
    }

    private func optionalObject(_ name: String) throws(AgentProtocolError) -> [String: JSONValue]? {
        switch params[name] {
        case nil, .null?: return nil
        case .object(let object)?: return object
        default: throw invalid(name, "null or an object")
        }
    }

    private func enumeration<T: RawRepresentable<String>>(_ name: String, _ type: T.Type, expected: String) throws(AgentProtocolError) -> T {
        guard case .string(let raw)? = params[name], let value = T(rawValue: raw) else { throw invalid(name, expected) }
        return value
    }
}
