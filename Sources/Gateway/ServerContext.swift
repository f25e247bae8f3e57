import Synchronization
import WSFraming

/// What every connection of every loop shares: settings, the connection caps, and the state of
/// the process (draining or not). Immutable apart from the atomics and locks inside.
final class ServerContext: Sendable {
    let config: GatewayConfig
    let limits: Limits
    let httpLimits: HTTPLimits
    let webSocketLimits: WebSocketLimits
    let echoPaths: Set<String>
    let limiter: ConnectionLimiter
    /// Set on SIGTERM/SIGINT: readiness fails and new upgrades are refused with 503.
    let draining = Atomic<Bool>(false)
    /// Every loop's metrics, for `/metrics`; set once before the loops start.
    nonisolated(unsafe) var loopMetrics: [LoopMetrics] = []
    /// The first TLS listener's port, for `tls.redirectHTTP`; set once before the loops start.
    nonisolated(unsafe) var redirectPort: UInt16?

    init(config: GatewayConfig) {
        self.config = config
        limits = config.limits
        httpLimits = config.limits.http
        webSocketLimits = config.limits.webSocket
        echoPaths = Set(config.echoPaths)
        limiter = ConnectionLimiter(maxConnections: config.limits.maxConnections,
                                    maxPerAddress: config.limits.maxConnectionsPerAddress)
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }
}
