import Glibc
import Routes
import JSON

/// `/status.json`, the data of `public/status.html` (docs/status.md): the process, its
/// connections, each channel's open sessions and back-end health, the agent sessions, and the
/// main counters. Built from the loops' published metrics (at most one tick old) and the agent
/// hub's summary. Back-end URLs are shown without their query.
enum StatusReport {
    static func render(_ context: ServerContext, agents: JSONValue) -> [UInt8] {
        let snapshots = context.loopMetrics.map { $0.snapshot() }
        func total(_ counter: Counter) -> JSONValue {
            .integer(snapshots.reduce(0) { $0 + $1.counters[counter.rawValue] })
        }
        let sessions = MetricsExposition.routeSessions(snapshots)
        let health = MetricsExposition.upstreamHealth(snapshots)
        var labelled: [String: Int] = [:]
        for snapshot in snapshots { labelled.merge(snapshot.labelled, uniquingKeysWith: +) }

        let routes: [JSONValue] = context.config.routes.routes.map { route in
            let prefix = "callgate_route_events_total{channel=\"\(route.channel)\",event=\""
            var events: [String: JSONValue] = [:]
            for (key, count) in labelled where key.hasPrefix(prefix) {
                events[String(key.dropFirst(prefix.count).dropLast(2))] = .integer(count)
            }
            let (state, since) = backendHealth(route, health[route.channel])
            return .object([
                "channel": .string(route.channel),
                "path": .string(route.path),
                "backend": backendDescription(route, context.upstreams[route.channel]),
                "mode": .string(route.mode.rawValue),
                "sessions": .integer(max(0, sessions[route.channel] ?? 0)),
                "health": .string(state),
                "healthSince": since.map { .integer($0) } ?? .null,
                "events": .object(events),
            ])
        }
        let status: JSONValue = .object([
            "version": .string(CommandLineOptions.version),
            "now": .integer(Int64(time(nil))),
            "uptimeSeconds": .integer(max(0, Int64(time(nil)) - context.startedAt)),
            "draining": .bool(context.isDraining),
            "notReady": context.readinessProblem.map { .string($0) } ?? .null,
            "state": .string(context.config.state.engine.rawValue),
            "threads": .integer(context.config.threads),
            "connections": .object([
                "open": .integer(snapshots.reduce(0) { $0 + $1.openConnections }),
                "webSockets": .integer(snapshots.reduce(0) { $0 + $1.openWebSockets }),
                "accepted": total(.connectionsAccepted),
                "rejectedCapacity": total(.connectionsRejectedCapacity),
                "rejectedPerAddress": total(.connectionsRejectedPerAddress),
            ]),
            "routes": .array(routes),
            "callControl": callControl(context),
            "agents": agents,
            "counters": .object(Dictionary(uniqueKeysWithValues: Counter.allCases.map { ("\($0)", total($0)) })),
        ])
        return status.encoded()
    }

    /// The agent hub's call-control back end (docs/config.md `callControl`): `embedded`, or the
    /// remote one's URL and whether it can be asked now (with the reason when not).
    private static func callControl(_ context: ServerContext) -> JSONValue {
        guard let remote = context.agentHub.callControl as? RemoteCallControl else {
            return .object(["backend": .string("embedded"), "health": .string("embedded")])
        }
        let reason = remote.unavailableReason
        let url = String((remote.settings.url ?? "").prefix { $0 != "?" })
        return .object(["backend": .string(url), "health": .string(reason == nil ? "up" : "down"),
                        "reason": reason.map(JSONValue.string) ?? .null])
    }

    /// `embedded` (in-process, always up), `none` (no back end: 503), or for an upstream `up`,
    /// `down` (its last connection failed or was lost) or `unknown` (not tried yet), and since
    /// when.
    private static func backendHealth(_ route: Route, _ seen: LoopMetrics.UpstreamHealth?) -> (String, Int64?) {
        switch route.backend {
        case nil: ("none", nil)
        case .embedded?: ("embedded", nil)
        case .upstream?: seen.map { ($0.up ? "up" : "down", $0.since) } ?? ("unknown", nil)
        }
    }

    private static func backendDescription(_ route: Route, _ target: UpstreamTarget?) -> JSONValue {
        switch route.backend {
        case nil: return .null
        case .embedded?: return .string("embedded:\(EmbeddedServices.serviceName(for: route) ?? "")")
        case .upstream(let text)?:
            guard let url = target?.url else { return .string(String(text.prefix { $0 != "?" })) }
            let path = url.target.prefix { $0 != "?" }
            return .string("\(url.isSecure ? "wss" : "ws")://\(url.host):\(url.port)\(path)")
        }
    }
}
