/// Byte 0 of a mux data frame: which kind of WebSocket message of the session it carries.
public enum MuxDataKind: UInt8, Sendable {
    /// The session's text message; the payload is UTF-8.
    case text = 1
    /// The session's binary message; the payload is opaque.
    case binary = 2
}
