import JSON
import ProxyProtocol

/// Load balancers in front of the gateway (docs/config.md, `proxy`): which peers are trusted
/// proxies, which listeners take PROXY protocol headers, and whether `X-Forwarded-For` and
/// `Forwarded` are read.
struct ProxySettings: Sendable {
    /// `proxy.trustedProxies`: addresses and CIDR ranges. Default: none, so no header from any
    /// peer is believed.
    var trustedProxies = TrustedProxies.none
    /// `proxy.protocol`: the mode of every listener (`"*"`), or per listener address as written
    /// in `listen` / `tls.listen`. Default: off everywhere.
    var protocolModes: [String: ProxyProtocolMode] = [:]
    /// `proxy.forwardedHeaders`: read `Forwarded` (RFC 7239) or `X-Forwarded-For` on requests from
    /// trusted proxies. Default true (it does nothing without `trustedProxies`).
    var forwardedHeaders = true

    /// The mode of the listener configured as `address`.
    func mode(forListener address: String) -> ProxyProtocolMode {
        protocolModes[address] ?? protocolModes["*"] ?? .off
    }
}

extension ProxySettings {
    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let entries: [String] = try section.take("trustedProxies") {
            switch TrustedProxies.parse(entries) {
            case .success(let parsed): trustedProxies = parsed
            case .failure(let error): throw GatewayConfig.Error(key: "proxy.trustedProxies", problem: error.description)
            }
        }
        if let value: JSONValue = try section.take("protocol") {
            let named: [String: JSONValue]
            switch value {
            case .string: named = ["*": value]
            case .object(let object): named = object
            default: throw GatewayConfig.Error(key: "proxy.protocol", problem: "must be a mode or an object of listener addresses to modes")
            }
            protocolModes = [:]
            for (listener, raw) in named {
                guard case .string(let text) = raw, let mode = ProxyProtocolMode(rawValue: text) else {
                    throw GatewayConfig.Error(key: "proxy.protocol", problem: "\(listener): must be \"off\", \"v1\", \"v2\" or \"any\"")
                }
                protocolModes[listener] = mode
            }
        }
        if let value: Bool = try section.take("forwardedHeaders") { forwardedHeaders = value }
    }

    /// Each listener named must be configured, and headers need someone to trust.
    func validate(listeners: [String]) throws(GatewayConfig.Error) {
        for listener in protocolModes.keys.sorted() where listener != "*" && !listeners.contains(listener) {
            throw GatewayConfig.Error(key: "proxy.protocol", problem: "\(listener) is not in listen or tls.listen")
        }
        if protocolModes.values.contains(where: { $0 != .off }) && trustedProxies.isEmpty {
            throw GatewayConfig.Error(key: "proxy.protocol", problem: "PROXY headers are taken only from proxy.trustedProxies, which is empty")
        }
    }
}
