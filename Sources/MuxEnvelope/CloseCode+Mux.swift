import WSFraming

/// Close codes of the mux envelope (docs/backend-protocol.md §7, §9), in one place: the one
/// mapping of `MuxProtocolError`, and the filter on the codes a back end may choose for a
/// browser. Beside the envelope rather than with the gateway's codes (`CloseCode+Gateway.swift`
/// says why the mappings are per protocol).
extension CloseCode {
    /// The code a gateway sends to the back end in a `close` for a session id the back end sent
    /// data for but that is not open on the connection (never opened, or already closed).
    public static let unknownMuxSession = CloseCode.internalError

    /// A malformed mux frame closes the whole upstream connection with 1002 (docs/style.md §7: errors
    /// become close codes in one place).
    public init(_ error: MuxProtocolError) {
        switch error {
        case .dataFrameTooShort, .zeroSession, .unknownDataKind, .invalidUTF8,
             .controlNotJSONObject, .controlWithoutType, .invalidControlMember:
            self = .protocolError
        }
    }

    /// The code the gateway closes a browser with when the back end sent `close` for its
    /// session: 1000, 1001, 1008, 1011 and 3000–4999 pass as they are; anything else (codes the
    /// back end has no business choosing for the browser, such as 1002 or 1006, and codes that
    /// may not be sent at all, RFC 6455 §7.4) becomes 1011.
    public init(muxBackendCode code: UInt16) {
        switch code {
        case 1000, 1001, 1008, 1011, 3000...4999: self = CloseCode(code)
        default: self = .internalError
        }
    }
}
