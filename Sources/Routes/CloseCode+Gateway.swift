import WSFraming
import AuthSchemes

/// The gateway's own close codes, in the private-use range 4000–4999 (RFC 6455 §7.4.2), and the
/// one mapping of `AuthError` to them. docs/config.md lists them for client writers.
///
/// Close codes are mapped once per error type, beside the error in the layer that defines it
/// (docs/architecture.md §1.10, docs/style.md §7): `WebSocketError` in WSFraming's
/// `CloseCode.swift`, `AuthError` here, `CallControlProtocolError` in
/// `CallControl/CloseCode+CallControl.swift` (docs/backend-protocol.md §12.7), `MuxProtocolError`
/// and a mux back end's codes in `Mux/CloseCode+Mux.swift` (§7, §9); a relayed close in
/// `RelayClose`. Split on purpose, not gathered into one file: each protocol's codes are part of
/// its own specification and change with it, and Routes' folders are becoming modules of their
/// own (docs/architecture.md §4), each of which carries its one mapping with it. Gateway maps
/// nothing itself: it calls these initialisers.
extension CloseCode {
    /// The credential was refused (bad signature, unknown user, replayed, malformed).
    public static let authenticationFailed = CloseCode(4001)
    /// No credential arrived within the route's `authTimeoutMilliseconds`.
    public static let authenticationTimeout = CloseCode(4002)
    /// The credential was valid once but has expired.
    public static let authenticationExpired = CloseCode(4003)
    /// A browser session that did not read fast enough: its queue passed the route's
    /// `sessionQueueBytes` (mux and embedded back ends such as the agent tabs on `/ws`; pipe
    /// while its upstream connects). A mux back end gets a `close` with the same code.
    public static let sessionQueueOverflow = CloseCode(4008)
    /// An agent tab's connection was replaced by a newer one of the same browser tab (its tab id
    /// in `login`/`sso`/`attach`, docs/agent-protocol.md §4). A bar that still gets this (a
    /// duplicated tab shares its id) takes a new tab id before it reconnects.
    public static let tabReplaced = CloseCode(4009)

    /// The close for a refused credential: 4003 when it expired (the client should fetch a new
    /// one), 4001 for every other refusal (docs/style.md §7: one mapping, here).
    public init(_ error: AuthError) {
        self = error == .expired ? .authenticationExpired : .authenticationFailed
    }
}
