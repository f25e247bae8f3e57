import MuxEnvelope

/// Why the gateway refused an agent request, sent back as
/// `{"id":…,"error":{"code":"…","text":"…"}}` (`AgentReply`). `id` is the request's id when one
/// could be read, so the browser can match the reply; the reply has no `"id"` otherwise.
///
/// | code | kind | extra member |
/// |---|---|---|
/// | `badRequest` | not a JSON object, no usable `id`, no string `method` | — |
/// | `tooLarge` | the message is longer than the parser's limit | — |
/// | `unknownMethod` | `method` names no `AgentMethod` | — |
/// | `wrongState` | the method is not allowed in the session's state | `"state"` |
/// | `invalidParams` | a parameter is missing, of the wrong type or out of range | `"param"` |
/// | any other | `failed(code:text:)`: refused by the back end or the gateway later on | — |
public struct AgentProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The reason is for humans; it never quotes the message.
        case badRequest(String)
        case tooLarge(length: Int, limit: Int)
        case unknownMethod(String)
        case wrongState(method: AgentMethod, state: AgentState)
        /// `expected` completes "`<param>` must be …", e.g. "a non-empty string".
        case invalidParams(method: AgentMethod, param: String, expected: String)
        /// A refusal decided after parsing, e.g. `noActiveCall`, `unknownQueue`,
        /// `upstreamUnavailable` (docs/agent-protocol.md, "Errors").
        case failed(code: String, text: String)
    }

    /// The request's id, when one was read.
    public var id: RequestID?
    public var kind: Kind

    public init(id: RequestID?, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// The same error, answering request `id`.
    public func answering(_ id: RequestID?) -> AgentProtocolError {
        AgentProtocolError(id: id, kind: kind)
    }

    /// The `error.code` string.
    public var code: String {
        switch kind {
        case .badRequest: "badRequest"
        case .tooLarge: "tooLarge"
        case .unknownMethod: "unknownMethod"
        case .wrongState: "wrongState"
        case .invalidParams: "invalidParams"
        case .failed(let code, _): code
        }
    }

    /// The `error.text`: one English sentence for logs and developers, not for agents.
    public var text: String {
        switch kind {
        case .badRequest(let reason):
            "bad request: \(reason)"
        case .tooLarge(let length, let limit):
            "request of \(length) bytes is longer than the limit of \(limit) bytes"
        case .unknownMethod(let name):
            "unknown method \"\(name)\""
        case .wrongState(let method, let state):
            "\(method.rawValue) is allowed in \(Self.list(method.allowedStates)); the session is in \(state.rawValue)"
        case .invalidParams(let method, let param, let expected):
            "\(method.rawValue): \"\(param)\" must be \(expected)"
        case .failed(_, let text):
            text
        }
    }

    public var description: String { "\(code): \(text)" }

    /// States in `AgentState.allCases` order, comma-separated.
    private static func list(_ states: Set<AgentState>) -> String {
        AgentState.allCases.filter(states.contains).map(\.rawValue).joined(separator: ", ")
    }
}
