import WSFraming

/// Close codes of the call-control protocol (docs/backend-protocol.md §12.7), in one place: the
/// one mapping of `CallControlProtocolError`, used by both ends (`RemoteCallControl` in a gateway,
/// `CallControlPeer` in `callgate switchboard`). Beside the protocol rather than with the gateway's
/// codes (`CloseCode+Gateway.swift` says why the mappings are per protocol).
extension CloseCode {
    /// The peer's `hello` named a version this side does not speak: 4010, so that the gateway
    /// logs a version mismatch instead of retrying as after a network failure.
    public static let callControlVersion = CloseCode(4010)

    /// A message the receiver cannot read (`malformed`): RFC 6455 §7.4.1 1002, a protocol error.
    /// A `badRequest` is answered, not closed for; it maps to 1002 only where no answer can go.
    /// A `hello` of another version: 4010.
    public init(_ error: CallControlProtocolError) {
        switch error {
        case .malformed, .badRequest: self = .protocolError
        case .unsupportedVersion: self = .callControlVersion
        }
    }
}
