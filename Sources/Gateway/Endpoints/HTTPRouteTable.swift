import Routes
import ClickToCall
import CallControlMessages
import HTTP1

/// Which code answers a request head (docs/architecture.md §4): the upgrades `Connection` keeps
/// (the call-control service, echo paths, routes), else an `HTTPEndpoint`. In order: the
/// Switchboard service answers everything when it runs; then echo paths, routes, the admin API
/// (`/admin/…`), click-to-call (docs/click-to-call.md §1–2, by the dialect its path and query
/// name), then the fixed paths of `endpoints`, and static files for every other path.
enum HTTPRouteTable {
    enum Target {
        /// `callgate switchboard`: the call-control protocol (`Connection.serveSwitchboard`).
        case callControl(CallControlService)
        /// An echo path: the upgrade, and every message back.
        case echo
        /// A route's upgrade (`Connection+Route.swift`).
        case route(Route)
        case endpoint(any HTTPEndpoint)
    }

    typealias Make = @Sendable (ServerContext, EndpointRequest) -> any HTTPEndpoint

    /// The endpoints at fixed paths.
    static let endpoints: [String: Make] = [
        DeviceActionEndpoint.path: { DeviceActionEndpoint(context: $0, request: $1) },
        LastCallersEndpoint.widgetPath: { LastCallersEndpoint(context: $0, request: $1) },
        LastCallersEndpoint.widgetTokenPath: { LastCallersEndpoint(context: $0, request: $1) },
        SessionCookieEndpoint.path: { SessionCookieEndpoint(context: $0, request: $1) },
        VodiaSessionEndpoint.path: { VodiaSessionEndpoint(context: $0, request: $1) },
        "/healthz": { ProbeEndpoint(context: $0, request: $1) },
        "/readyz": { ProbeEndpoint(context: $0, request: $1) },
        "/metrics": { ProbeEndpoint(context: $0, request: $1) },
        StatusEndpoint.path: { StatusEndpoint(context: $0, request: $1) },
    ]

    static func target(for request: EndpointRequest, context: ServerContext) -> Target {
        let path = request.head.path
        if let service = context.callControlService { return .callControl(service) }
        if context.echoPaths.contains(path) { return .echo }
        if let route = context.config.routes.route(forPath: path) { return .route(route) }
        if path.hasPrefix(AdminCommand.prefix) { return .endpoint(AdminEndpoint(context: context, request: request)) }
        if context.config.clickToCall.enabled, let dialect = ClickToCallDialect(path: path, query: request.head.query) {
            return .endpoint(ClickToCallEndpoint(context: context, request: request, dialect: dialect))
        }
        if let make = endpoints[path] { return .endpoint(make(context, request)) }
        return .endpoint(StaticFileEndpoint(context: context, request: request))
    }
}
