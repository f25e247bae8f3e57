import Foundation
import Routes
import TLSBridge
import WSFraming

/// The gateway's configuration: built-in defaults, then a JSON file (`--config`), then the
/// command line. Every key is documented in docs/config.md.
struct GatewayConfig: Sendable {
    /// Plain http/ws listeners, `HOST:PORT`. When neither this nor `tls.listen` is configured,
    /// the embedded default applies: `127.0.0.1:8080` plain and `127.0.0.1:8443` TLS.
    var listen: [String] = []
    var tls = TLSSettings()
    /// Where generated state lives (the self-signed certificate). Default
    /// `$XDG_STATE_HOME/callgate`, else `~/.local/state/callgate`.
    var stateDirectory = GatewayConfig.defaultStateDirectory
    /// Event loops (threads). Default: one per core.
    var threads = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Paths that serve a WebSocket echo (conformance runs, benchmarks). Default: none.
    var echoPaths: [String] = []
    var limits = Limits()
    /// RFC 7692 permessage-deflate; nil disables it. Default: enabled, a 12-bit window kept per
    /// connection, clients told to reset per message, level 6, 64-byte minimum (docs/config.md).
    var permessageDeflate: PerMessageDeflateOptions? = PerMessageDeflateOptions()

    /// What the client role (pipe upstreams, the conformance client) offers: the same settings,
    /// but no `server_max_window_bits` request, since `serverMaxWindowBits` sizes our own
    /// compression as a server; an upstream server chooses its window (RFC 7692 §7.1.2.1).
    var clientPermessageDeflate: PerMessageDeflateOptions? {
        permessageDeflate.map { options in
            var client = options
            client.serverMaxWindowBits = 15
            return client
        }
    }
    /// Time the gateway waits for clients to finish their closing handshakes on SIGTERM. Default 5 s.
    var shutdownGraceMilliseconds = 5_000
    /// SIGTERM: who is told to reconnect, who is kept for a live call, and the deadline (`Drain`).
    var drain = DrainSettings()
    /// Whether another process may listen on the same addresses (SO_REUSEPORT between processes,
    /// `PortLock`). Default false: a second process on a port fails at start.
    var sharePort = false
    var logLevel = Log.Level.info
    /// The channels and their back ends; default: the five UCS channels, none configured.
    var routes = RouteTable.defaults
    /// Per channel: how a `wss://` back end's certificate is checked (default: full verification
    /// against the system's CAs).
    var upstreamTLS: [String: TLSClientConfiguration] = [:]
    var auth = AuthSettings()
    /// Agent sessions on `/ws`, the Switchboard's directory and the admin API.
    var agents = AgentSettings()
    /// The folder of static files (`public/` by default).
    var staticFiles = StaticSettings()
    /// The HTTP click-to-call dialects and the Vodia popup links.
    var clickToCall = ClickToCallSettings()
    /// Device Action URLs in, webhooks out.
    var actionURLs = ActionURLSettings()
    /// Who called a number last, and the widget.
    var lastCallers = LastCallersSettings()
    /// How `sip` routes read SIP messages.
    var sip = SIPSettings()
    /// Load balancers in front: trusted proxies, PROXY protocol, forwarded headers.
    var proxy = ProxySettings()
    /// The call-control back end the agent hub asks: embedded (default) or remote.
    var callControl = CallControlSettings()
    /// `callgate switchboard`: the Switchboard served to gateways.
    var switchboard = SwitchboardServiceSettings()
    /// Where state that outlives an instance lives: memory, or Redis shared by every instance.
    var state = StateSettings()

    static var defaultStateDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/callgate" }
        return (environment["HOME"] ?? ".") + "/.local/state/callgate"
    }

    /// Fills in the embedded default listeners when none was configured.
    mutating func applyEmbeddedDefaults() {
        if listen.isEmpty && tls.listen.isEmpty {
            listen = ["127.0.0.1:8080"]
            tls.listen = ["127.0.0.1:8443"]
        }
    }

    struct Error: Swift.Error, CustomStringConvertible {
        var key: String
        var problem: String
        var description: String { "config: \(key): \(problem)" }
    }
}

extension GatewayConfig {
    /// Applies the JSON object in `data` over `self`. Unknown keys and wrong types are errors
    /// that name the key, so a typo never silently falls back to a default. Cross-field rules
    /// are checked by `validate()` once the command line was applied too.
    mutating func apply(json data: Data) throws(Error) {
        var reader = try ConfigReader(json: data)
        if let value: [String] = try reader.take("listen") { listen = value }
        if let value: Int = try reader.take("threads", range: 1...256) { threads = value }
        if let value: [String] = try reader.take("echoPaths") { echoPaths = value }
        if let value: String = try reader.take("logLevel") {
            guard let level = Log.Level(name: value) else { throw Error(key: "logLevel", problem: "must be debug, info, warn or error") }
            logLevel = level
        }
        if let value: Int = try reader.take("shutdownGraceMilliseconds", range: 0...600_000) { shutdownGraceMilliseconds = value }
        if let value: Int = try reader.take("drainDeadlineMilliseconds", range: 0...86_400_000) { drain.deadlineMilliseconds = value }
        if let value: Int = try reader.take("drainReconnectMinMilliseconds", range: 0...600_000) { drain.reconnectMinMilliseconds = value }
        if let value: Int = try reader.take("drainReconnectMaxMilliseconds", range: 0...600_000) { drain.reconnectMaxMilliseconds = value }
        if let value: Bool = try reader.take("sharePort") { sharePort = value }
        if let value: String = try reader.take("stateDirectory") { stateDirectory = value }
        if var section = try reader.section("tls") {
            try tls.apply(&section)
            try section.finish()
        }
        try applyRoutes(&reader)
        if var section = try reader.section("auth") {
            try auth.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("agents") {
            try agents.apply(agents: &section)
            try section.finish()
        }
        if var section = try reader.section("admin") {
            try agents.apply(admin: &section)
            try section.finish()
        }
        if var section = try reader.section("static") {
            try staticFiles.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("clickToCall") {
            try clickToCall.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("actionURLs") {
            try actionURLs.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("lastCallers") {
            try lastCallers.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("sip") {
            try sip.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("callControl") {
            try callControl.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("switchboard") {
            try switchboard.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("proxy") {
            try proxy.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("state") {
            try state.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("limits") {
            try limits.apply(&section)
            try section.finish()
        }
        if var section = try reader.section("permessageDeflate") {
            let enabled: Bool = try section.take("enabled") ?? true
            var options = PerMessageDeflateOptions()
            if let value: Int = try section.take("serverMaxWindowBits", range: 9...15) { options.serverMaxWindowBits = value }
            if let value: Int = try section.take("clientMaxWindowBits", range: 8...15) { options.clientMaxWindowBits = value }
            if let value: Bool = try section.take("serverNoContextTakeover") { options.serverNoContextTakeover = value }
            if let value: Bool = try section.take("clientNoContextTakeover") { options.clientNoContextTakeover = value }
            if let value: Int = try section.take("minimumSizeToCompress", range: 0...Int.max) { options.minimumSizeToCompress = value }
            if let value: Int = try section.take("compressionLevel", range: 1...9) { options.compressionLevel = value }
            if let value: Int = try section.take("memoryLevel", range: 1...9) { options.memoryLevel = value }
            try section.finish()
            permessageDeflate = enabled ? options : nil
        }
        try reader.finish()
    }

    /// Cross-field checks, run after every source of settings was applied.
    func validate() throws(Error) {
        if listen.isEmpty && tls.listen.isEmpty { throw Error(key: "listen", problem: "at least one listener is needed") }
        // SO_REUSEPORT would let two listeners bind one address and the kernel would split
        // clients between them (a plain request meeting the TLS listener): one address, one listener.
        var bound: [(address: SocketAddress, label: String)] = []
        for (key, addresses) in [("listen", listen), ("tls.listen", tls.listen)] {
            for address in addresses {
                let parsed: SocketAddress
                do { parsed = try SocketAddress(parsing: address) } catch { throw Error(key: key, problem: error.description) }
                if let other = bound.first(where: { parsed.overlaps($0.address) }) {
                    throw Error(key: key, problem: "\(address) is also \(other.label): one address, one listener")
                }
                bound.append((parsed, "\(key) \(address)"))
            }
        }
        if tls.certificateFile.isEmpty != tls.privateKeyFile.isEmpty {
            throw Error(key: "tls.certificateFile", problem: "give both tls.certificateFile and tls.privateKeyFile, or neither")
        }
        if !["1.2", "1.3"].contains(tls.minimumVersion) {
            throw Error(key: "tls.minimumVersion", problem: "must be \"1.2\" or \"1.3\"")
        }
        for path in echoPaths where !path.hasPrefix("/") {
            throw Error(key: "echoPaths", problem: "\"\(path)\" must start with /")
        }
        if drain.reconnectMinMilliseconds > drain.reconnectMaxMilliseconds {
            throw Error(key: "drainReconnectMinMilliseconds", problem: "must not exceed drainReconnectMaxMilliseconds")
        }
        if limits.outboundHighWaterBytes > limits.outboundQueueBytes {
            throw Error(key: "limits.outboundHighWaterBytes", problem: "must not exceed limits.outboundQueueBytes")
        }
        if limits.requestLineBytes > limits.handshakeBytes {
            throw Error(key: "limits.requestLineBytes", problem: "must not exceed limits.handshakeBytes")
        }
        if state.engine == .redis {
            // docs/cluster.md §3: a token one instance signed must be good at every other; a key
            // generated in the state directory would be this instance's own.
            if auth.sessionSecret == nil {
                throw Error(key: "auth.sessionSecret", problem: "state.engine redis: give every instance the same auth.sessionSecretFile")
            }
            if lastCallers.tokenSecret == nil {
                throw Error(key: "lastCallers.tokenSecret",
                            problem: "state.engine redis: give every instance the same lastCallers.tokenSecretFile")
            }
        }
        try proxy.validate(listeners: listen + tls.listen)
        try callControl.validate()
        try switchboard.validate()
        try validateRoutes()
    }
}

extension TLSSettings {
    fileprivate mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: [String] = try section.take("listen") { listen = v }
        if let v: String = try section.take("certificateFile") { certificateFile = v }
        if let v: String = try section.take("privateKeyFile") { privateKeyFile = v }
        if let v: String = try section.take("minimumVersion") { minimumVersion = v }
        if let v: String = try section.take("cipherList") { cipherList = v }
        if let v: String = try section.take("cipherSuites") { cipherSuites = v }
        if let v: Bool = try section.take("sessionTickets") { sessionTickets = v }
        if let v: Int = try section.take("ticketKeyRotationSeconds", range: 60...Int.max) { ticketKeyRotationSeconds = v }
        if let v: Int = try section.take("maxHandshakesInFlightPerLoop", range: 1...Int.max) { maxHandshakesInFlightPerLoop = v }
        if let v: Bool = try section.take("redirectHTTP") { redirectHTTP = v }
        if let entries = try section.sections("sniCertificates") {
            sniCertificates = []
            for (index, var reader) in entries.enumerated() {
                guard let names: [String] = try reader.take("serverNames"), !names.isEmpty,
                      let certificate: String = try reader.take("certificateFile"),
                      let key: String = try reader.take("privateKeyFile") else {
                    throw GatewayConfig.Error(key: "tls.sniCertificates[\(index)]", problem: "needs serverNames, certificateFile and privateKeyFile")
                }
                try reader.finish()
                sniCertificates.append(SNIEntry(serverNames: names, certificateFile: certificate, privateKeyFile: key))
            }
        }
    }
}

extension Limits {
    fileprivate mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        let positive = 1...Int.max
        if let v: Int = try section.take("handshakeBytes", range: 256...positive.upperBound) { handshakeBytes = v }
        if let v: Int = try section.take("requestLineBytes", range: 64...positive.upperBound) { requestLineBytes = v }
        if let v: Int = try section.take("headerCount", range: positive) { headerCount = v }
        if let v: Int = try section.take("requestBodyBytes", range: 0...Int.max) { requestBodyBytes = v }
        if let v: Int = try section.take("framePayloadBytes", range: 125...Int.max) { framePayloadBytes = v }
        if let v: Int = try section.take("messageBytes", range: positive) { messageBytes = v }
        if let v: Int = try section.take("inflatedMessageBytes", range: positive) { inflatedMessageBytes = v }
        if let v: Int = try section.take("outboundHighWaterBytes", range: positive) { outboundHighWaterBytes = v }
        if let v: Int = try section.take("outboundQueueBytes", range: positive) { outboundQueueBytes = v }
        if let v: Int = try section.take("handshakeTimeoutMilliseconds", range: positive) { handshakeTimeoutMilliseconds = v }
        if let v: Int = try section.take("messageTimeoutMilliseconds", range: positive) { messageTimeoutMilliseconds = v }
        if let v: Int = try section.take("idleTimeoutMilliseconds", range: positive) { idleTimeoutMilliseconds = v }
        if let v: Int = try section.take("bufferReleaseMilliseconds", range: 0...Int.max) { bufferReleaseMilliseconds = v }
        if let v: Int = try section.take("pongTimeoutMilliseconds", range: positive) { pongTimeoutMilliseconds = v }
        if let v: Int = try section.take("closeTimeoutMilliseconds", range: positive) { closeTimeoutMilliseconds = v }
        if let v: Int = try section.take("maxConnections", range: positive) { maxConnections = v }
        if let v: Int = try section.take("maxConnectionsPerAddress", range: 0...Int.max) { maxConnectionsPerAddress = v }
        if let v: [String] = try section.take("probeAddresses") {
            probeAddresses = try v.map { address throws(GatewayConfig.Error) in
                guard let host = SocketAddress.numericHost(address) else {
                    throw GatewayConfig.Error(key: "limits.probeAddresses", problem: "\"\(address)\" is not a numeric IPv4 or IPv6 address")
                }
                return host
            }
        }
        if let v: Int = try section.take("probeConnections", range: 0...Int.max) { probeConnections = v }
        if let v: Int = try section.take("trimAfterCloses", range: 0...Int.max) { trimAfterCloses = v }
    }
}

extension Log.Level {
    init?(name: String) {
        switch name {
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}
