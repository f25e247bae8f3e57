/// Why a permessage-deflate offer was declined (server) or a response rejected (client), RFC 7692
/// §7. A client MUST fail the WebSocket connection on any of these.
public enum PerMessageDeflateNegotiationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// RFC 6455 §9.1: the element breaks the extension-list grammar.
    case malformedHeader
    /// RFC 6455 §4.1 step 5: the server answered with an extension the client did not offer.
    case unexpectedExtension(String)
    /// RFC 7692 §5: the server answered with permessage-deflate more than once.
    case duplicateExtension
    /// RFC 7692 §7: a parameter not defined for permessage-deflate.
    case unknownParameter(String)
    /// RFC 7692 §7: the same parameter twice in one element.
    case duplicateParameter(String)
    /// RFC 7692 §7.1.1: a value on `server_no_context_takeover` or `client_no_context_takeover`.
    case unexpectedParameterValue(name: String, value: String)
    /// RFC 7692 §7.1.2: `server_max_window_bits` (or, in a response, `client_max_window_bits`) without a value.
    case missingParameterValue(String)
    /// RFC 7692 §7.1.2: a window-bits value other than 8 to 15 without leading zeroes.
    case invalidParameterValue(name: String, value: String)
    /// RFC 7692 §7.1.1.1: we requested `server_no_context_takeover` and the server did not agree.
    case serverNoContextTakeoverMissing
    /// RFC 7692 §7.1.2.1: we requested `server_max_window_bits` and the server did not answer it.
    case serverMaxWindowBitsMissing(requested: Int)
    /// RFC 7692 §7.1.2.1: the server answered a larger `server_max_window_bits` than requested.
    case serverMaxWindowBitsTooLarge(requested: Int, received: Int)
    /// RFC 7692 §7.1.2.2: the server set `client_max_window_bits` above the value we offered.
    case clientMaxWindowBitsTooLarge(offered: Int, received: Int)

    public var description: String {
        switch self {
        case .malformedHeader:
            return "malformed Sec-WebSocket-Extensions header"
        case .unexpectedExtension(let name):
            return "server accepted extension \"\(name)\", which was not offered"
        case .duplicateExtension:
            return "server accepted permessage-deflate more than once"
        case .unknownParameter(let name):
            return "unknown permessage-deflate parameter \"\(name)\""
        case .duplicateParameter(let name):
            return "duplicate permessage-deflate parameter \"\(name)\""
        case .unexpectedParameterValue(let name, let value):
            return "\(name) takes no value, got \"\(value)\""
        case .missingParameterValue(let name):
            return "\(name) needs a value"
        case .invalidParameterValue(let name, let value):
            return "\(name)=\"\(value)\" is not a window size of 8 to 15"
        case .serverNoContextTakeoverMissing:
            return "server did not accept the requested server_no_context_takeover"
        case .serverMaxWindowBitsMissing(let requested):
            return "server did not accept the requested server_max_window_bits=\(requested)"
        case .serverMaxWindowBitsTooLarge(let requested, let received):
            return "server_max_window_bits=\(received) exceeds the requested \(requested)"
        case .clientMaxWindowBitsTooLarge(let offered, let received):
            return "client_max_window_bits=\(received) exceeds the offered \(offered)"
        }
    }
}
