import HTTP1

/// A click-to-call HTTP request in any dialect of docs/compatibility.md §3, parsed into one
/// `Dial`. Pure: the gateway reads the `ClickToCallQuery` first and authenticates it
/// (`dialect.authentication`, `apiKey`), then reads this from it, resolves `dial.agent` to a
/// user, dedups it (`DialDedupKey`), delivers `dial.params(dialect:)` and answers with
/// `ClickToCallReply`.
///
/// Rules common to the dialects:
/// - The dialect comes from the path (`ClickToCallDialect(path:query:)`); another path is
///   `notFound`. Only `GET` places a call (`methodNotAllowed`, `Allow: GET`).
/// - The query is read strictly (`StrictQuery`): a parameter the dialect does not know is
///   `unknownParameter`, a repeated one `repeatedParameter`, a bad escape `undecodableQuery`.
/// - The number goes through `NumberPlan.classify`: an internal extension stays as it is
///   (direction `pbx`), anything else becomes E.164 (direction `city`). A raw leading `+` stays a
///   plus (`number=+4930…` from a hand-written link).
///
/// Per dialect:
/// - **Oktell client** `/callto?number=N` (docs/compatibility.md §3.2): agent `.requester`, direction from the
///   number, sequence `back` (the requester's own device rings first: "вызывается
///   соответствующее устройство у сотрудника").
/// - **Oktell server** `/wp_autocallstart` (docs/compatibility.md §3.3): exactly one of `user`, `wp`, `line`
///   (non-empty, ≤ 128 bytes, no control characters) names the agent; `number` is required;
///   `direction` is `pbx` (the number must be a known extension, else `unknownExtension`),
///   `city` (it must be an outside number), or absent (detected from the number); `sequence` is
///   `direct` (the default) or `back`; `key` is an API key.
/// - **Mia** `/?action=make_call&target=N` (docs/compatibility.md §3.4): `action` must be `make_call` (any other
///   is `unsupportedCommand`); agent `.requester`, sequence `back` (the softphone dials);
///   `key` is an API key.
/// - **Yealink** `/servlet?key=number=N` (the value of `key` is `number=N`; any other `key`
///   is `unsupportedCommand`), `/cgi-bin/ConfigManApp.com?number=N`, `/cgiServer.exx?number=N`
///   (docs/compatibility.md §3.5): agent `.requester`, sequence `back` (the phone dials).
/// - **SNOM** `/command.htm?number=N` (docs/compatibility.md §3.5): as Yealink.
public struct ClickToCallRequest: Hashable, Sendable {
    /// Longest agent selector value, in UTF-8 bytes.
    public static let maxSelectorBytes = 128

    public var dialect: ClickToCallDialect
    public var dial: Dial
    /// The `key=` parameter of the dialects that take one (`ClickToCallDialect.takesKeyParameter`),
    /// when present and non-empty. Not checked here; compare it in constant time.
    public var apiKey: String?

    public init(dialect: ClickToCallDialect, dial: Dial, apiKey: String? = nil) {
        self.dialect = dialect
        self.dial = dial
        self.apiKey = apiKey
    }

    /// Parses one request: `ClickToCallQuery.parse`, then its `request(numbering:)`. The
    /// gateway takes the two steps apart, to authenticate in between.
    public static func parse(method: String, path: String, query: String?, numbering: NumberPlan)
        -> Result<ClickToCallRequest, ClickToCallError> {
        ClickToCallQuery.parse(method: method, path: path, query: query).flatMap { $0.request(numbering: numbering) }
    }

    static func dial(_ dialect: ClickToCallDialect, path: String, _ parameters: StrictQuery,
                     _ numbering: NumberPlan) -> Result<Dial, ClickToCallError> {
        switch dialect {
        case .oktellClient, .snom:
            return requesterDial(parameters.phoneNumber("number"), parameter: "number", numbering)
        case .mia:
            let action = parameters.value("action") ?? ""
            guard action == "make_call" else { return .failure(.unsupportedCommand("action=" + action)) }
            return requesterDial(parameters.phoneNumber("target"), parameter: "target", numbering)
        case .yealink where path == "/servlet":
            if parameters.contains("number") { return .failure(.unknownParameter("number")) }
            guard let key = parameters.value("key") else { return .failure(.missingNumber(parameter: "key=number=")) }
            guard key.hasPrefix("number=") else { return .failure(.unsupportedCommand("key=" + key)) }
            return requesterDial(parameters.phoneNumber("key", after: "number="), parameter: "key=number=", numbering)
        case .yealink:
            if parameters.contains("key") { return .failure(.unknownParameter("key")) }
            return requesterDial(parameters.phoneNumber("number"), parameter: "number", numbering)
        case .oktellServer:
            return oktellServerDial(parameters, numbering)
        }
    }

    /// The dialects without agent, direction or sequence parameters.
    private static func requesterDial(_ number: String?, parameter: String, _ numbering: NumberPlan)
        -> Result<Dial, ClickToCallError> {
        classify(number, parameter: parameter, numbering).map {
            Dial(agent: .requester, number: $0.text, direction: $0.direction, sequence: .back)
        }
    }

    private static func oktellServerDial(_ parameters: StrictQuery, _ numbering: NumberPlan) -> Result<Dial, ClickToCallError> {
        var selectors: [(name: String, agent: DialAgent)] = []
        for (name, make) in [("user", DialAgent.user), ("wp", DialAgent.workplace), ("line", DialAgent.line)] {
            guard let value = parameters.value(name) else { continue }
            guard !value.isEmpty, value.utf8.count <= maxSelectorBytes,
                  !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                return .failure(.invalidParameter(name: name, expected: "1–\(maxSelectorBytes) bytes without control characters"))
            }
            selectors.append((name, make(value)))
        }
        guard !selectors.isEmpty else { return .failure(.missingAgent) }
        guard selectors.count == 1 else { return .failure(.conflictingAgents(selectors.map(\.name))) }

        let sequence: DialSequence
        switch parameters.value("sequence") {
        case nil: sequence = .direct
        case let text?:
            guard let parsed = DialSequence(rawValue: text) else {
                return .failure(.invalidParameter(name: "sequence", expected: "direct or back"))
            }
            sequence = parsed
        }

        let number: DialNumber
        switch parameters.value("direction") {
        case nil:
            switch classify(parameters.phoneNumber("number"), parameter: "number", numbering) {
            case .success(let classified): number = classified
            case .failure(let error): return .failure(error)
            }
        case "pbx":
            let text = parameters.value("number") ?? ""
            guard !text.isEmpty else { return .failure(.missingNumber(parameter: "number")) }
            guard numbering.isExtension(text) else { return .failure(.unknownExtension) }
            number = .internalExtension(text)
        case "city":
            switch classify(parameters.phoneNumber("number"), parameter: "number", numbering) {
            case .success(.external(let e164)): number = .external(e164)
            case .success(.internalExtension), .failure(.unknownExtension):
                return .failure(.numberNotDialable("too short for an outside number"))
            case .failure(let error): return .failure(error)
            }
        default:
            return .failure(.invalidParameter(name: "direction", expected: "pbx or city"))
        }
        return .success(Dial(agent: selectors[0].agent, number: number.text, direction: number.direction, sequence: sequence))
    }

    private static func classify(_ number: String?, parameter: String, _ numbering: NumberPlan)
        -> Result<DialNumber, ClickToCallError> {
        guard let number, !NumberPlan.isBlank(number) else {
            return .failure(.missingNumber(parameter: parameter))
        }
        return numbering.classify(number)
    }
}
