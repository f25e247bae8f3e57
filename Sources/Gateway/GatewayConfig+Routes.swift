import Routes
import JSON
import TLSBridge

/// The `routes` and `auth` sections of the configuration (docs/config.md).
extension GatewayConfig {
    /// `routes`: an object from channel name to its settings, applied over `RouteTable.defaults`.
    /// A channel that is not named keeps its default (path `/<channel>`, no back end).
    mutating func applyRoutes(_ reader: inout ConfigReader) throws(Error) {
        guard let section: [String: JSONValue] = try reader.take("routes") else { return }
        for channel in section.keys.sorted() {
            let key = "routes.\(channel)"
            guard case .object(let object)? = section[channel] else {
                throw Error(key: key, problem: "must be a JSON object")
            }
            guard !channel.isEmpty, channel.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw Error(key: key, problem: "a channel name is letters, digits, - and _")
            }
            var entry = ConfigReader(object, path: key)
            var route = routes.route(forChannel: channel)
                ?? Route(channel: channel, path: "/\(channel)", authentication: .required)
            if let path: String = try entry.take("path") { route.path = path }
            if let backend: String = try entry.take("backend") {
                route.backend = try Self.backend(backend, key: "\(key).backend")
            }
            if let mode: String = try entry.take("mode") {
                guard let value = Route.Mode(rawValue: mode) else {
                    throw Error(key: "\(key).mode", problem: "must be \"pipe\", \"mux\" or \"sip\"")
                }
                route.mode = value
                // RFC 7118 §4: SIP over WebSocket is the `sip` subprotocol.
                if value == .sip && object["subprotocols"] == nil { route.subprotocols = ["sip"] }
            }
            if let auth: String = try entry.take("auth") {
                guard let value = Route.Authentication(rawValue: auth) else {
                    throw Error(key: "\(key).auth", problem: "must be \"none\" or \"required\"")
                }
                route.authentication = value
            }
            if let subprotocols: [String] = try entry.take("subprotocols") { route.subprotocols = subprotocols }
            route.origins = try Self.originPolicy(&entry, key: "\(key).origins") ?? route.origins
            if let value: Int = try entry.take("poolSize", range: 1...64) { route.poolSize = value }
            if let value: Int = try entry.take("messageBytes", range: 1...Int.max) { route.limits.messageBytes = value }
            if let value: Int = try entry.take("sessionQueueBytes", range: 1...Int.max) { route.limits.sessionQueueBytes = value }
            if let value: Int = try entry.take("connectTimeoutMilliseconds", range: 1...Int.max) {
                route.limits.connectTimeoutMilliseconds = value
            }
            if let value: Int = try entry.take("authTimeoutMilliseconds", range: 1...Int.max) {
                route.limits.authTimeoutMilliseconds = value
            }
            if let value: Int = try entry.take("retryAfterSeconds", range: 0...86_400) { route.limits.retryAfterSeconds = value }
            if var tlsSection = try entry.section("tls") {
                upstreamTLS[channel] = try Self.upstreamTLSConfiguration(&tlsSection)
                try tlsSection.finish()
            }
            try entry.finish()
            routes.set(route)
        }
    }

    /// `"embedded"` (the service named like the channel), `"embedded:NAME"`, or a ws(s) URL.
    private static func backend(_ text: String, key: String) throws(Error) -> Route.Backend {
        if text == "embedded" { return .embedded("") }
        if text.hasPrefix("embedded:") { return .embedded(String(text.dropFirst(9))) }
        do { _ = try WebSocketURL(parsing: text) } catch { throw Error(key: key, problem: error.description) }
        return .upstream(text)
    }

    /// `"same-origin"`, `"*"`, or a list of origins in which `"self"` stands for the same origin.
    private static func originPolicy(_ entry: inout ConfigReader, key: String) throws(Error) -> OriginPolicy? {
        if let list: [String] = try? entry.take("origins") {
            let origins = list.filter { $0 != "self" }
            for origin in origins where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || origin.hasSuffix("/") {
                throw Error(key: key, problem: "\"\(origin)\" is not an origin like https://crm.example.com")
            }
            return .list(origins, includingSameOrigin: list.contains("self"))
        }
        guard let text: String = try entry.take("origins") else { return nil }
        switch text {
        case "same-origin": return .sameOrigin
        case "*": return .any
        default: throw Error(key: key, problem: "must be \"same-origin\", \"*\" or a list of origins")
        }
    }

    /// A route's `tls` section (and `callControl.tls`): how a `wss://` upstream's certificate is checked.
    static func upstreamTLSConfiguration(_ section: inout ConfigReader) throws(Error) -> TLSClientConfiguration {
        var configuration = TLSClientConfiguration()
        if let file: String = try section.take("caFile") { configuration.trustRoots = .file(file) }
        if let verify: String = try section.take("verify") {
            switch verify {
            case "full": configuration.verification = .full
            case "chain": configuration.verification = .noHostnameVerification
            case "none": configuration.verification = .none
            default: throw Error(key: "tls.verify", problem: "must be \"full\", \"chain\" or \"none\"")
            }
        }
        if let file: String = try section.take("certificateFile") { configuration.clientCertificateChainFile = file }
        if let file: String = try section.take("privateKeyFile") { configuration.clientPrivateKeyFile = file }
        if (configuration.clientCertificateChainFile == nil) != (configuration.clientPrivateKeyFile == nil) {
            throw Error(key: "tls.certificateFile", problem: "give both certificateFile and privateKeyFile, or neither")
        }
        return configuration
    }

    /// Cross-field checks of the route table.
    func validateRoutes() throws(Error) {
        if let problem = routes.problems().first {
            throw Error(key: "routes.\(problem.channel).path", problem: problem.problem)
        }
        let reserved = Set(["/healthz", "/readyz", "/metrics"] + echoPaths)
        for route in routes.routes {
            let key = "routes.\(route.channel)"
            if reserved.contains(route.path) { throw Error(key: "\(key).path", problem: "\(route.path) is taken by the gateway") }
            if let name = EmbeddedServices.serviceName(for: route), EmbeddedServices.service(for: route) == nil {
                throw Error(key: "\(key).backend", problem: "no embedded back end for \"\(name)\" (available: \(EmbeddedServices.names.joined(separator: ", ")))")
            }
            if case .embedded = route.backend, route.mode == .mux {
                throw Error(key: "\(key).mode", problem: "an embedded back end is in-process: use \"pipe\"")
            }
            if route.mode == .sip {
                guard case .upstream = route.backend else {
                    throw Error(key: "\(key).backend", problem: "a sip route relays to a SIP server's ws:// or wss:// URL")
                }
                guard route.authentication == .required else {
                    throw Error(key: "\(key).auth", problem: "a sip route binds SIP identities to Callgate sessions: it must be \"required\"")
                }
            }
            if let bytes = route.limits.sessionQueueBytes, bytes > limits.outboundQueueBytes {
                throw Error(key: "\(key).sessionQueueBytes", problem: "must not exceed limits.outboundQueueBytes")
            }
            if upstreamTLS[route.channel] != nil, case .upstream(let url) = route.backend, !url.lowercased().hasPrefix("wss://") {
                throw Error(key: "\(key).tls", problem: "only a wss:// back end uses TLS")
            }
        }
    }
}
