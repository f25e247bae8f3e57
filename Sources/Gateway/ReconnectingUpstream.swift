import RetryBackoff
import WSFraming

/// The one connection to a back end that the gateway keeps open on its own, and reconnects after
/// a loss with exponential backoff and full jitter (`Backoff`): a mux pool's upstream
/// (`MuxUpstream`, docs/backend-protocol.md §8) and a remote call-control back end
/// (`RemoteCallControl`, §12.6). It holds the connection, whether it is open (upgraded with the
/// protocol's subprotocol), and when the next try may start; its owner is the connection's
/// application, decides when a try is wanted, and says what a loss means to its sessions.
struct ReconnectingUpstream {
    /// The channel its metrics and logs are counted under.
    let channel: String
    /// The subprotocol the back end must select (RFC 6455 §4.1).
    let subprotocol: String
    private(set) var connection: Connection?
    /// Upgraded with `subprotocol`: messages go out.
    private(set) var isOpen = false
    private var backoff: Backoff
    /// When a try may start after a failure; nil: at once.
    private(set) var retryAt: UInt64?

    init(channel: String, subprotocol: String, backoff: Backoff) {
        self.channel = channel
        self.subprotocol = subprotocol
        self.backoff = backoff
    }

    /// No connection, and the backoff after the last failure (if any) has passed.
    func mayConnect(now: UInt64) -> Bool {
        connection == nil && (retryAt.map { now >= $0 } ?? true)
    }

    /// A retry scheduled after a failure is due (the owner's `tick`).
    func retryIsDue(now: UInt64) -> Bool {
        connection == nil && (retryAt.map { now >= $0 } ?? false)
    }

    /// Starts a try with `connect` (`Connection.connect`); nil, or why it could not start, for the
    /// owner to handle as any failure.
    mutating func connect(_ connect: () throws -> Connection) -> String? {
        retryAt = nil
        do {
            connection = try connect()
            return nil
        } catch {
            return "cannot connect: \(error)"
        }
    }

    /// The upgrade completed. Open, with the backoff starting over, when the back end selected
    /// `subprotocol`; otherwise the connection is closed with 1002 and the reason returned, for
    /// the owner to handle as a failure.
    mutating func opened(_ connection: Connection, metrics: LoopMetrics) -> String? {
        guard connection.subprotocol == subprotocol else {
            abandon(connection, ClosePayload(code: .protocolError, reason: "\(subprotocol) not selected"))
            return "the back end did not select \(subprotocol)"
        }
        isOpen = true
        backoff.succeeded()
        metrics.routeEvent(channel, "upstream_opened")
        return nil
    }

    /// Closes `connection` from our side with `payload` (a protocol error's code, or 1001); its
    /// end is not reported back to the owner.
    func abandon(_ connection: Connection, _ payload: ClosePayload) {
        connection.application = nil
        connection.startClose(payload)
        connection.deferFlush()
    }

    /// Closes the connection for good (a draining gateway's last session went): not a loss, no
    /// retry.
    mutating func close(_ payload: ClosePayload) {
        guard let connection else { return }
        isOpen = false
        self.connection = nil
        abandon(connection, payload)
    }

    /// The connection is gone or never came: counted (`upstream_lost` or
    /// `upstream_connect_failed`, the upstream down), and the next try scheduled. Returns whether
    /// it was open and the delay, for the owner's log line.
    mutating func failed(now: UInt64, metrics: LoopMetrics) -> (wasOpen: Bool, retryMilliseconds: Int) {
        let wasOpen = isOpen
        isOpen = false
        connection = nil
        let delay = backoff.failed(fraction: Double.random(in: 0..<1))
        retryAt = now + UInt64(delay)
        metrics.routeEvent(channel, wasOpen ? "upstream_lost" : "upstream_connect_failed")
        metrics.upstream(channel, up: false)
        return (wasOpen, delay)
    }

    /// Why the connection ended, for the owner's `failed`: the back end's close frame, a lost
    /// connection, or the opening handshake's failure.
    func reason(closedWith payload: ClosePayload?, _ connection: Connection) -> String {
        if let payload {
            return "the back end closed the connection (\(payload.code.map { "\($0.rawValue)" } ?? "no code") \(payload.reason))"
        }
        return isOpen ? "connection lost" : connection.handshakeFailure?.reason ?? "could not connect or upgrade"
    }
}
