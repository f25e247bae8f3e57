import WSFraming

/// The back-end side of one browser session: an embedded service, a pipe to an upstream, or a
/// session on a mux connection. `RouteSession` drives it on the browser connection's loop.
protocol BackendLink: AnyObject {
    /// The session is admitted (authenticated when the route requires it): connect or announce.
    func start()
    /// A message from the browser, in order.
    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer)
    /// The browser's queue went above (true) or back below (false) its high-water mark.
    func browserBackpressure(_ backedUp: Bool)
    /// The browser closed with `payload`, or vanished (nil): end the back-end side. The link
    /// must not call the session afterwards.
    func browserEnded(_ payload: ClosePayload?)
    /// Every timer tick of the browser connection (the link's own deadlines).
    func tick(now: UInt64)
    /// The connection the browser's messages go to unchanged (a pipe's open upstream), for
    /// `Connection+Relay.swift`; nil when the link reads or holds them.
    var relayPeer: Connection? { get }
}

extension BackendLink {
    func tick(now: UInt64) {}
    var relayPeer: Connection? { nil }
}
