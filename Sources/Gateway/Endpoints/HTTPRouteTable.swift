import Routes
import ClickToCall
import CallControlMessages
import HTTP1

/// Which endpoint answers a request head (docs/architecture.md §3.1). In order: the call-control
/// service answers everything when it runs (`callgate switchboard`); then echo paths, routes (the
/// WebSocket upgrades), the admin API (`/admin/…`), click-to-call (docs/click-to-call.md §1–2, by
/// the dialect its path and query name), then the fixed paths of `endpoints`, and static files for
/// every other path.
enum HTTPRouteTable {
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

    static func endpoint(for request: EndpointRequest, context: ServerContext) -> any HTTPEndpoint {
        let path = request.head.path
        if let service = context.callControlService {
            return CallControlServiceEndpoint(context: context, request: request, secret: service.settings.secret ?? [])
        }
        if context.echoPaths.contains(path) { return EchoEndpoint(context: context, request: request) }
        if let route = context.config.routes.route(forPath: path) { return RouteUpgradeEndpoint(context: context, request: request, route: route) }
        if path.hasPrefix(AdminCommand.prefix) { return AdminEndpoint(context: context, request: request) }
        if context.config.clickToCall.enabled, let dialect = ClickToCallDialect(path: path, query: request.head.query) {
            return ClickToCallEndpoint(context: context, request: request, dialect: dialect)
        }
        if let make = endpoints[path] { return make(context, request) }
        return StaticFileEndpoint(context: context, request: request)
    }
}
