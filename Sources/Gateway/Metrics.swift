import Glibc
import Synchronization

/// The counters every loop keeps. Names follow Prometheus conventions; `/metrics` sums them
/// over all loops.
enum Counter: Int, CaseIterable {
    case connectionsAccepted
    case connectionsRejectedCapacity
    case connectionsRejectedPerAddress
    case connectionsRejectedProbeReserve
    case probeReserveConnections
    case connectionsClosed
    case httpRequests
    case upgrades
    case handshakeTimeouts
    case messageTimeouts
    case idleTimeouts
    case closeTimeouts
    case messagesReceived
    case messagesSent
    case bytesReceived
    case bytesSent
    case backpressurePauses
    case outboundOverflows
    case tlsHandshakes
    case tlsResumptions
    case tlsHandshakeFailures
    case tlsHandshakesRefused
    case memoryTrims

    var name: String {
        switch self {
        case .connectionsAccepted: "callgate_connections_accepted_total"
        case .connectionsRejectedCapacity: "callgate_connections_rejected_total{reason=\"max_connections\"}"
        case .connectionsRejectedPerAddress: "callgate_connections_rejected_total{reason=\"per_address\"}"
        case .connectionsRejectedProbeReserve: "callgate_connections_rejected_total{reason=\"probe_reserve\"}"
        case .probeReserveConnections: "callgate_probe_reserve_connections_total"
        case .connectionsClosed: "callgate_connections_closed_total"
        case .httpRequests: "callgate_http_requests_total"
        case .upgrades: "callgate_websocket_upgrades_total"
        case .handshakeTimeouts: "callgate_timeouts_total{kind=\"handshake\"}"
        case .messageTimeouts: "callgate_timeouts_total{kind=\"message\"}"
        case .idleTimeouts: "callgate_timeouts_total{kind=\"idle\"}"
        case .closeTimeouts: "callgate_timeouts_total{kind=\"close\"}"
        case .messagesReceived: "callgate_websocket_messages_received_total"
        case .messagesSent: "callgate_websocket_messages_sent_total"
        case .bytesReceived: "callgate_bytes_received_total"
        case .bytesSent: "callgate_bytes_sent_total"
        case .backpressurePauses: "callgate_backpressure_pauses_total"
        case .outboundOverflows: "callgate_outbound_overflows_total"
        case .tlsHandshakes: "callgate_tls_handshakes_total"
        case .tlsResumptions: "callgate_tls_resumptions_total"
        case .tlsHandshakeFailures: "callgate_tls_handshake_failures_total"
        case .tlsHandshakesRefused: "callgate_tls_handshakes_refused_total"
        case .memoryTrims: "callgate_memory_trims_total"
        }
    }
}

/// One loop's counters. The loop increments plain integers (no atomics on the hot path) and
/// publishes a snapshot under a lock on every timer tick; readers see values at most one tick old.
final class LoopMetrics: @unchecked Sendable {
    private var counters = [Int](repeating: 0, count: Counter.allCases.count)
    /// Labelled counters for rare events: HTTP error statuses and close codes sent.
    private var labelled: [String: Int] = [:]
    /// Gauges.
    var openConnections = 0
    var openWebSockets = 0
    /// Open route sessions per channel.
    private var routeSessions: [String: Int] = [:]
    /// Per channel: what this loop last saw of the back end (a connection made, or one that
    /// failed or was lost), and when.
    private var upstreams: [String: UpstreamHealth] = [:]

    private let published = Mutex<Snapshot>(Snapshot())

    struct Snapshot: Sendable {
        var counters = [Int](repeating: 0, count: Counter.allCases.count)
        var labelled: [String: Int] = [:]
        var openConnections = 0
        var openWebSockets = 0
        var routeSessions: [String: Int] = [:]
        var upstreams: [String: UpstreamHealth] = [:]
    }

    struct UpstreamHealth: Sendable {
        var up: Bool
        /// Unix seconds.
        var since: Int64
    }

    @inline(__always)
    func add(_ counter: Counter, _ amount: Int = 1) { counters[counter.rawValue] &+= amount }

    /// A labelled counter whose key the caller built once (`name{label="value"}`).
    func add(labelled key: String, _ amount: Int = 1) { labelled[key, default: 0] += amount }

    func httpResponse(status: Int) { labelled["callgate_http_responses_total{status=\"\(status)\"}", default: 0] += 1 }
    func closeSent(code: UInt16) { labelled["callgate_websocket_closes_sent_total{code=\"\(code)\"}", default: 0] += 1 }
    func closeReceived(code: UInt16?) {
        labelled["callgate_websocket_closes_received_total{code=\"\(code.map(String.init) ?? "none")\"}", default: 0] += 1
    }
    /// Route events (`session_opened`, `auth_refused`, `upstream_lost`, …) per channel.
    func routeEvent(_ channel: String, _ event: String) {
        labelled["callgate_route_events_total{channel=\"\(channel)\",event=\"\(event)\"}", default: 0] += 1
    }
    func routeSessionOpened(_ channel: String) { routeSessions[channel, default: 0] += 1 }
    func routeSessionClosed(_ channel: String) { routeSessions[channel, default: 0] -= 1 }

    /// An upstream connection of `channel` was made (`up`), or failed or was lost.
    func upstream(_ channel: String, up: Bool) {
        guard upstreams[channel]?.up != up else { return }
        upstreams[channel] = UpstreamHealth(up: up, since: Int64(time(nil)))
    }

    /// Every answer to a static-file request, by status (they are in `httpResponse` too).
    func staticResponse(status: Int) { labelled["callgate_static_responses_total{status=\"\(status)\"}", default: 0] += 1 }
    /// Static requests refused for what they asked (`traversal`, `dotfile`, `too_large`, …).
    func staticRefused(reason: String) { labelled["callgate_static_refused_total{reason=\"\(reason)\"}", default: 0] += 1 }
    /// An outgoing Action URL's fate, per target `host:port` (never the path or query: they may
    /// carry the CRM's secrets).
    func actionURL(_ outcome: ActionURLOutcome, target: String) {
        labelled["callgate_actionurl_requests_total{target=\"\(target)\",outcome=\"\(outcome.rawValue)\"}", default: 0] += 1
    }
    /// PROXY protocol headers: `accepted`, or why one was refused (`ProxyProtocolMode.Refusal.label`).
    func proxyHeader(_ outcome: String) { labelled["callgate_proxy_headers_total{outcome=\"\(outcome)\"}", default: 0] += 1 }
    /// Requests from a trusted proxy whose `Forwarded`/`X-Forwarded-For` named the client
    /// (`address`) or could not (`unknown`).
    func forwardedClient(_ outcome: String) { labelled["callgate_forwarded_clients_total{outcome=\"\(outcome)\"}", default: 0] += 1 }
    func protocolError(_ kind: String) { labelled["callgate_websocket_protocol_errors_total{kind=\"\(kind)\"}", default: 0] += 1 }

    /// Called by the loop on each tick.
    func publish() {
        let snapshot = Snapshot(counters: counters, labelled: labelled, openConnections: openConnections,
                                openWebSockets: openWebSockets, routeSessions: routeSessions, upstreams: upstreams)
        published.withLock { $0 = snapshot }
    }

    func snapshot() -> Snapshot { published.withLock { $0 } }
}

/// Renders the Prometheus text exposition of all loops' published snapshots.
enum MetricsExposition {
    static func render(_ loops: [LoopMetrics]) -> String {
        let snapshots = loops.map { $0.snapshot() }
        var text = ""
        for counter in Counter.allCases {
            text += "\(counter.name) \(snapshots.reduce(0) { $0 + $1.counters[counter.rawValue] })\n"
        }
        var labelled: [String: Int] = [:]
        for snapshot in snapshots { labelled.merge(snapshot.labelled, uniquingKeysWith: +) }
        for key in labelled.keys.sorted() { text += "\(key) \(labelled[key]!)\n" }
        text += "callgate_open_connections \(snapshots.reduce(0) { $0 + $1.openConnections })\n"
        text += "callgate_open_websockets \(snapshots.reduce(0) { $0 + $1.openWebSockets })\n"
        let sessions = routeSessions(snapshots)
        for channel in sessions.keys.sorted() { text += "callgate_route_sessions{channel=\"\(channel)\"} \(sessions[channel]!)\n" }
        let upstreams = upstreamHealth(snapshots)
        for channel in upstreams.keys.sorted() {
            text += "callgate_upstream_up{channel=\"\(channel)\"} \(upstreams[channel]!.up ? 1 : 0)\n"
        }
        return text
    }

    /// Open sessions per channel, over all loops.
    static func routeSessions(_ snapshots: [LoopMetrics.Snapshot]) -> [String: Int] {
        snapshots.reduce(into: [:]) { total, snapshot in total.merge(snapshot.routeSessions, uniquingKeysWith: +) }
    }

    /// Per channel, the latest news of its back end from any loop.
    static func upstreamHealth(_ snapshots: [LoopMetrics.Snapshot]) -> [String: LoopMetrics.UpstreamHealth] {
        snapshots.reduce(into: [:]) { latest, snapshot in
            latest.merge(snapshot.upstreams) { $1.since >= $0.since ? $1 : $0 }
        }
    }
}
