import WSFraming

/// How a close on one side of a relay becomes the close on the other side (RFC 6455 §7.4).
/// Codes a peer may send pass through with their reason; codes that only describe what an
/// endpoint observed (1005, 1006, 1015, §7.4.1) are translated.
public enum RelayClose {
    /// The close a browser gets when its upstream closed with `payload` (nil: the upstream
    /// vanished without a close frame, or could not be reached).
    /// - 1001 going away and 1012 service restart become 1012: reconnect, it will be back.
    /// - nil, 1006 and 1015 become 1014 bad gateway.
    /// - A close frame without a code stays one without a code.
    public static func towardsBrowser(_ payload: ClosePayload?) -> ClosePayload {
        guard let payload else { return ClosePayload(code: .badGateway, reason: "back end connection lost") }
        guard let code = payload.code else { return payload }
        switch code {
        case .goingAway, .serviceRestart: return ClosePayload(code: .serviceRestart, reason: payload.reason)
        case .abnormalClosure, .tlsHandshakeFailure, .noStatusReceived: return ClosePayload(code: .badGateway, reason: "back end connection lost")
        default: return code.isValidOnWire ? payload : ClosePayload(code: .internalError, reason: payload.reason)
        }
    }

    /// The close an upstream gets when the browser closed with `payload` (nil: it vanished,
    /// which is reported as 1001 going away). A close without a code stays one without a code.
    public static func towardsUpstream(_ payload: ClosePayload?) -> ClosePayload {
        guard let payload else { return ClosePayload(code: .goingAway, reason: "browser went away") }
        guard let code = payload.code else { return payload }
        return code.isValidOnWire ? payload : ClosePayload(code: .goingAway, reason: payload.reason)
    }
}
