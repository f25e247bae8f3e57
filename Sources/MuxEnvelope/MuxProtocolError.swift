/// A malformed frame on an upstream mux connection. Every case is a protocol error: the
/// gateway closes the upstream connection with 1002 (`CloseCode(_:)`) and treats it as an
/// upstream loss (docs/backend-protocol.md, "Errors").
public enum MuxProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A binary frame shorter than the 5-byte header (kind and session id).
    case dataFrameTooShort(length: Int)
    /// A data frame whose session id is 0, which is never allocated.
    case zeroSession
    /// A data frame whose kind byte is neither 1 (text) nor 2 (binary).
    case unknownDataKind(UInt8)
    /// A text data frame (kind 1) whose payload is not valid UTF-8.
    case invalidUTF8(session: UInt32)
    /// A text frame that is not a JSON object (not JSON, or an array, string, number, …).
    case controlNotJSONObject
    /// A control object without a string member `type`.
    case controlWithoutType
    /// A control message of a known type with a required member missing or of the wrong type.
    case invalidControlMember(type: String, member: String)

    public var description: String {
        switch self {
        case .dataFrameTooShort(let length):
            "binary frame of \(length) bytes is shorter than the 5-byte mux header"
        case .zeroSession:
            "data frame for session id 0"
        case .unknownDataKind(let kind):
            "data frame kind \(kind) is neither 1 (text) nor 2 (binary)"
        case .invalidUTF8(let session):
            "text data frame for session \(session) is not valid UTF-8"
        case .controlNotJSONObject:
            "text frame is not a JSON object"
        case .controlWithoutType:
            "control object has no string member \"type\""
        case .invalidControlMember(let type, let member):
            "\"\(type)\" control object has a missing or invalid \"\(member)\""
        }
    }
}
