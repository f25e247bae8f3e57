/// What is wrong with a message of the call-control protocol (docs/backend-protocol.md §12.7).
public enum CallControlProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not a JSON object with a string `type`, or a known type with a member missing or of the
    /// wrong type (an answer, an event, a `hello`, a request without an integer `id`): the
    /// receiver closes the connection with 1002.
    case malformed(String)
    /// A request whose `id` could be read but not the rest: the back end answers it with the
    /// error `code` (`badRequest`, `unknownRequest`, or the agent protocol's code for a command's
    /// parameters) and goes on.
    case badRequest(id: UInt64, code: String, text: String)
    /// A `hello` with a `version` this side does not speak: closed with 4010.
    case unsupportedVersion(Int)

    public var description: String {
        switch self {
        case .malformed(let reason): reason
        case .badRequest(let id, let code, let text): "request \(id): \(code): \(text)"
        case .unsupportedVersion(let version): "version \(version) is not \(CallControlProtocol.version)"
        }
    }

    /// The answer a back end gives to a `badRequest`: the error, HTTP status 400.
    public var answer: CallControlMessage? {
        guard case .badRequest(let id, let code, let text) = self else { return nil }
        return .answer(id: id, .failed(CallControlError(code: code, text: text, httpStatus: 400)))
    }
}
