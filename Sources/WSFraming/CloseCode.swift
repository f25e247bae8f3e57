/// A close status code, RFC 6455 §7.4.
///
/// Wraps any 16-bit value so that a code received on the wire can be represented and then
/// checked with `isValidOnWire`.
public struct CloseCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    @inlinable
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 1000: the purpose for which the connection was established has been fulfilled.
    public static let normalClosure = CloseCode(1000)
    /// 1001: the endpoint is going away (server shutdown, browser navigating away).
    public static let goingAway = CloseCode(1001)
    /// 1002: a protocol error.
    public static let protocolError = CloseCode(1002)
    /// 1003: a data type the endpoint cannot accept.
    public static let unsupportedData = CloseCode(1003)
    /// 1005: reserved; means "no status code was present". Never sent on the wire.
    public static let noStatusReceived = CloseCode(1005)
    /// 1006: reserved; means "closed without a close frame". Never sent on the wire.
    public static let abnormalClosure = CloseCode(1006)
    /// 1007: data inconsistent with the message type (e.g. non-UTF-8 in a text message).
    public static let invalidPayloadData = CloseCode(1007)
    /// 1008: a message that violates the endpoint's policy.
    public static let policyViolation = CloseCode(1008)
    /// 1009: a message too big to process.
    public static let messageTooBig = CloseCode(1009)
    /// 1010: (client) the server did not negotiate a required extension.
    public static let mandatoryExtension = CloseCode(1010)
    /// 1011: the server met an unexpected condition.
    public static let internalError = CloseCode(1011)
    /// 1012: the service is restarting (IANA registry).
    public static let serviceRestart = CloseCode(1012)
    /// 1013: try again later (IANA registry).
    public static let tryAgainLater = CloseCode(1013)
    /// 1014: the gateway got an invalid response from upstream (IANA registry).
    public static let badGateway = CloseCode(1014)
    /// 1015: reserved; means "TLS handshake failed". Never sent on the wire.
    public static let tlsHandshakeFailure = CloseCode(1015)

    /// RFC 6455 §7.4.1 and §7.4.2: whether an endpoint may send this code in a close frame.
    ///
    /// 0–999 are unused, 1004–1006 and 1015 are reserved and must not be set, 1016–2999 are
    /// reserved for future protocol revisions, 3000–4999 are for libraries, applications and
    /// private use. Codes 1012–1014 are registered with IANA and accepted.
    @inlinable
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014: return true
        case 3000...4999: return true
        default: return false
        }
    }

    public var description: String { String(rawValue) }
}

extension CloseCode {
    /// The one place where a protocol failure of RFC 6455 / 7692 becomes the close code sent to
    /// the peer (docs/style.md §7). The layers above map their own errors beside them, one
    /// initialiser per error type (docs/architecture.md §1.10).
    public init(_ error: WebSocketError) {
        switch error {
        case .reservedBitsSet, .reservedOpcode, .controlFrameTooLong, .fragmentedControlFrame,
             .maskMissing, .maskUnexpected, .lengthNotMinimal, .lengthMostSignificantBitSet,
             .unexpectedContinuation, .expectedContinuation, .invalidClosePayloadLength,
             .invalidCloseCode, .compressedControlFrame, .compressedContinuation:
            self = .protocolError
        case .invalidUTF8:
            self = .invalidPayloadData
        case .frameTooLarge, .messageTooLarge, .inflatedMessageTooLarge:
            self = .messageTooBig
        case .messageTimeout:
            // RFC 6455 §7.4.1: 1008, the generic code for a message that violates the
            // endpoint's policy when no more specific one (1003, 1009) fits.
            self = .policyViolation
        case .inflateFailed:
            self = .invalidPayloadData
        case .deflateFailed, .zlibInitFailed:
            self = .internalError
        }
    }
}
