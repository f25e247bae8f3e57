/// The channels the gateway serves, shaped like the UCS `api` object of docs/compatibility.md §1.2.1: each
/// channel has a public path and a back end. Looked up once per upgrade request.
public struct RouteTable: Sendable, Equatable {
    /// The channels of the docs/compatibility.md §1.2.1 `api` object, in its order.
    public static let ucsChannels = ["ws", "recording", "report", "email", "template"]

    public private(set) var routes: [Route]
    private var byPath: [String: Int]

    /// The five UCS channels at `/ws`, `/recording`, …: `ws` served by the embedded
    /// Switchboard (`embedded`), authenticating in its own protocol (`login`, `sso`); `report`
    /// served by the Switchboard's call history; both authenticating at the gate like the
    /// other side channels, which have no back end configured.
    public static var defaults: RouteTable {
        RouteTable(ucsChannels.map { channel in
            switch channel {
            case "ws": Route(channel: channel, path: "/ws", backend: .embedded(""), authentication: .none)
            case "report": Route(channel: channel, path: "/report", backend: .embedded(""), authentication: .required)
            default: Route(channel: channel, path: "/\(channel)", authentication: .required)
            }
        })
    }

    /// Later routes with an already used path are not reachable: `validate` reports them.
    public init(_ routes: [Route]) {
        self.routes = routes
        byPath = [:]
        for (index, route) in routes.enumerated() where byPath[route.path] == nil {
            byPath[route.path] = index
        }
    }

    /// The route whose path is exactly `path` (the request target without its query).
    public func route(forPath path: String) -> Route? {
        byPath[path].map { routes[$0] }
    }

    public func route(forChannel channel: String) -> Route? {
        routes.first { $0.channel == channel }
    }

    /// Replaces the channel's route, or adds it.
    public mutating func set(_ route: Route) {
        if let index = routes.firstIndex(where: { $0.channel == route.channel }) {
            routes[index] = route
        } else {
            routes.append(route)
        }
        self = RouteTable(routes)
    }

    /// Problems that make the table unusable, each naming the channel: duplicate paths, paths
    /// that do not start with `/`.
    public func problems() -> [(channel: String, problem: String)] {
        var problems: [(String, String)] = []
        var seen: [String: String] = [:]
        for route in routes {
            if !route.path.hasPrefix("/") || route.path.contains("?") {
                problems.append((route.channel, "path \"\(route.path)\" must start with / and have no query"))
            } else if let other = seen[route.path] {
                problems.append((route.channel, "path \"\(route.path)\" is already the path of channel \(other)"))
            } else {
                seen[route.path] = route.channel
            }
        }
        return problems
    }
}
