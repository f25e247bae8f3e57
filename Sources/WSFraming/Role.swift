/// Which end of the connection this endpoint is. RFC 6455 §5.1: clients mask every frame they
/// send and servers mask none.
public enum Role: Sendable {
    case server
    case client

    /// Whether frames received by this role must carry a masking key.
    @inlinable public var expectsMaskedFrames: Bool { self == .server }
}
