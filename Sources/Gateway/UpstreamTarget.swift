import Routes
import TLSBridge

/// A channel's upstream back end, made ready at start: the URL, its address resolved once
/// (DNS is not consulted again until a restart), and the TLS client context for `wss://`.
struct UpstreamTarget: Sendable {
    let channel: String
    let url: WebSocketURL
    let address: SocketAddress
    let tls: TLSClientContext?

    init(route: Route, url text: String, tls configuration: TLSClientConfiguration?) throws {
        channel = route.channel
        url = try WebSocketURL(parsing: text)
        address = try SocketAddress.resolve(host: url.host, port: url.port)
        tls = url.isSecure ? try TLSClientContext(configuration ?? TLSClientConfiguration()) : nil
    }

    /// Every channel of `config` with an upstream back end, by channel name.
    static func all(_ config: GatewayConfig) throws -> [String: UpstreamTarget] {
        var targets: [String: UpstreamTarget] = [:]
        for route in config.routes.routes {
            guard case .upstream(let url) = route.backend else { continue }
            do {
                targets[route.channel] = try UpstreamTarget(route: route, url: url, tls: config.upstreamTLS[route.channel])
            } catch {
                throw GatewayConfig.Error(key: "routes.\(route.channel).backend", problem: "\(error)")
            }
        }
        return targets
    }
}
