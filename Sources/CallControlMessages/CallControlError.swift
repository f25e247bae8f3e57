import MuxEnvelope
import AgentProtocol

/// Why the call-control back end refused a command or an admin request. `code` is the agent
/// protocol's camelCase error code (docs/agent-protocol.md §3), `text` one English sentence
/// without secrets, `httpStatus` what the admin API answers: 400 bad input, 404 an unknown
/// thing, 409 the wrong state for it. The Switchboard's own are `SwitchboardError`'s constants.
public struct CallControlError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var text: String
    public var httpStatus: Int

    public init(code: String, text: String, httpStatus: Int) {
        self.code = code
        self.text = text
        self.httpStatus = httpStatus
    }

    public var description: String { "\(code): \(text)" }

    /// The back end could not be asked, or gave an answer of another kind: the agent protocol's
    /// `upstreamUnavailable` (docs/agent-protocol.md §3), 503 over HTTP.
    public static func unavailable(_ text: String) -> CallControlError {
        CallControlError(code: "upstreamUnavailable", text: text, httpStatus: 503)
    }

    /// The back end did not answer within the gateway's `callControl.requestTimeoutMilliseconds`:
    /// `upstreamTimeout` (docs/agent-protocol.md §3), 504 over HTTP. It may still carry it out.
    public static func timedOut(after milliseconds: Int) -> CallControlError {
        CallControlError(code: "upstreamTimeout", text: "the call-control back end did not answer within \(milliseconds) ms",
                         httpStatus: 504)
    }

    /// An answer of another kind than the request's (a back end out of step with the gateway).
    public static let unexpectedAnswer = unavailable("the call-control back end answered something else")
}

extension AgentProtocolError {
    /// The back end's refusal as the error reply to request `id` (docs/agent-protocol.md §3: its
    /// camelCase code and its text).
    public init(id: RequestID?, refusal: CallControlError) {
        self.init(id: id, kind: .failed(code: refusal.code, text: refusal.text))
    }
}
