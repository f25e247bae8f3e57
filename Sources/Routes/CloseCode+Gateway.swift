import WSFraming

/// The gateway's own close codes, in the private-use range 4000–4999 (RFC 6455 §7.4.2).
/// docs/config.md lists them for client writers.
extension CloseCode {
    /// The credential was refused (bad signature, unknown user, replayed, malformed).
    public static let authenticationFailed = CloseCode(4001)
    /// No credential arrived within the route's `authTimeoutMilliseconds`.
    public static let authenticationTimeout = CloseCode(4002)
    /// The credential was valid once but has expired.
    public static let authenticationExpired = CloseCode(4003)
    // 4008 `sessionQueueOverflow` is in Mux/CloseCode+Mux.swift.
}
