import Routes
import WSFraming

/// The in-process back ends a route can name as `"backend": "embedded:NAME"` (or `"embedded"`
/// for the one named like the channel). Each makes one link per session: `echo`; `ws`, the
/// agent protocol against the embedded Switchboard (`AgentHub`); `report`, its call history.
enum EmbeddedServices {
    static let names = ["echo", "ws", "report"]

    /// The service `route` names: `embedded:NAME`, or for plain `embedded` the channel's own name.
    static func serviceName(for route: Route) -> String? {
        guard case .embedded(let name) = route.backend else { return nil }
        return name.isEmpty ? route.channel : name
    }

    /// The link maker of the service `route` names; nil when there is no such service.
    static func service(for route: Route) -> ((RouteSession) -> BackendLink)? {
        switch serviceName(for: route) {
        case "echo": { EchoLink(session: $0) }
        case "ws": { AgentLink(session: $0, hub: $0.context.agentHub) }
        case "report": { ReportLink(session: $0, hub: $0.context.agentHub) }
        default: nil
        }
    }
}

/// The `echo` service: every message back to its sender, the close code too. For trying a
/// route out and for benchmarks; it knows the session's identity like any back end.
final class EchoLink: BackendLink {
    private unowned let session: RouteSession

    init(session: RouteSession) { self.session = session }

    func start() {}

    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        session.deliver(opcode, payload)
    }

    func browserBackpressure(_ backedUp: Bool) {}

    func browserEnded(_ payload: ClosePayload?) {}
}
