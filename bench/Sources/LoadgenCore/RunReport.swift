/// One run's result: a human-readable line and a flat JSON line (keys are stable; `run.sh` and
/// `check_loadgen.py` read them). Absent figures are JSON `null`.
public struct RunReport: Sendable {
    public enum Mode: String, Sendable { case echo, idle, handshakes }

    public var label = ""
    public var mode = Mode.echo
    public var port = 0
    public var path = "/"
    public var connections = 0
    public var size = 0
    /// Messages each connection kept in flight (`--in-flight`).
    public var inFlight = 1
    public var opcode = Opcode.binary
    public var warmupSeconds = 0.0
    /// The measured window as it really lasted.
    public var durationSeconds = 0.0
    /// Echoes (echo mode) or handshakes (handshake mode) completed inside the measured window.
    public var messages: UInt64 = 0
    /// Echo mode: the fewest and the most echoes one connection completed in the measured window
    /// (a starved connection shows as a minimum far below the mean).
    public var fewestPerConnection: UInt64?
    public var mostPerConnection: UInt64?
    /// wss: the connections used TLS; `tlsParameters` is what the first one negotiated.
    public var tls = false
    public var tlsParameters: TLSParameters?
    /// Handshake mode: each slot offered its previous session.
    public var resumeOffered = false
    /// Handshakes in the window that resumed a TLS session.
    public var resumed: UInt64 = 0
    /// WebSocket upgrades completed over the whole run, and how many of them resumed a TLS session.
    public var totalUpgrades: UInt64 = 0
    public var totalResumed: UInt64 = 0
    public var p50Nanoseconds: UInt64?
    public var p99Nanoseconds: UInt64?
    public var p999Nanoseconds: UInt64?
    public var maxNanoseconds: UInt64?
    public var meanNanoseconds: Double?
    public var serverPID: Int32?
    public var serverTicks: ProcFiles.CPUTicks?
    public var loadgenTicks: ProcFiles.CPUTicks?
    public var ticksPerSecond = 100
    /// Every message sent over the whole run, warm-up and drain included, and every echo verified.
    public var totalSent: UInt64 = 0
    public var totalEchoed: UInt64 = 0
    public var rssBeforeBytes: Int?
    public var rssAfterBytes: Int?
    public var rssAfterCloseBytes: Int?
    public var serverCPUs: String?
    public var loadgenCPUs: String?
    /// Connections whose close handshake did not finish in time.
    public var closeFailures = 0

    public init() {}

    public var messagesPerSecond: Double? {
        self.durationSeconds > 0 && self.mode == .echo ? Double(self.messages) / self.durationSeconds : nil
    }

    public var handshakesPerSecond: Double? {
        self.durationSeconds > 0 && self.mode == .handshakes ? Double(self.messages) / self.durationSeconds : nil
    }

    /// Of the window's handshakes, the fraction that resumed a TLS session.
    public var resumptionRatio: Double? {
        self.mode == .handshakes && self.tls && self.messages > 0 ? Double(self.resumed) / Double(self.messages) : nil
    }

    /// CPU time in µs per unit counted in `messages`, for the given mode only.
    private func microsecondsPer(_ mode: Mode, _ ticks: UInt64?) -> Double? {
        guard self.mode == mode, let ticks, self.messages > 0 else { return nil }
        return Double(ticks) * 1e6 / Double(self.ticksPerSecond) / Double(self.messages)
    }

    public var serverCPUPerMessage: Double? { self.microsecondsPer(.echo, self.serverTicks?.total) }
    public var serverUserPerMessage: Double? { self.microsecondsPer(.echo, self.serverTicks?.user) }
    public var serverSystemPerMessage: Double? { self.microsecondsPer(.echo, self.serverTicks?.system) }
    public var serverCPUPerHandshake: Double? { self.microsecondsPer(.handshakes, self.serverTicks?.total) }
    public var serverUserPerHandshake: Double? { self.microsecondsPer(.handshakes, self.serverTicks?.user) }
    public var serverSystemPerHandshake: Double? { self.microsecondsPer(.handshakes, self.serverTicks?.system) }

    /// CPU used over the window as a fraction of one core.
    private func utilisation(_ ticks: UInt64?) -> Double? {
        guard let ticks, self.durationSeconds > 0 else { return nil }
        return Double(ticks) / Double(self.ticksPerSecond) / self.durationSeconds
    }

    public var rssPerConnectionBytes: Double? {
        guard let before = self.rssBeforeBytes, let after = self.rssAfterBytes, self.connections > 0 else { return nil }
        return Double(after - before) / Double(self.connections)
    }

    public func jsonLine() -> String {
        let fields: [(String, JSONValue)] = [
            ("tool", .string("loadgen")),
            ("label", .string(self.label)),
            ("mode", .string(self.mode.rawValue)),
            ("port", .int(self.port)),
            ("path", .string(self.path)),
            ("connections", .int(self.connections)),
            ("size", .int(self.size)),
            ("in_flight", .int(self.inFlight)),
            ("opcode", .string(self.opcode.description)),
            ("warmup_s", .number(self.warmupSeconds)),
            ("duration_s", .number(self.durationSeconds)),
            ("messages", .int(Int(self.messages))),
            ("min_conn_msgs", self.fewestPerConnection.map { .int(Int($0)) } ?? .null),
            ("max_conn_msgs", self.mostPerConnection.map { .int(Int($0)) } ?? .null),
            ("msgs_per_s", .optional(self.messagesPerSecond)),
            ("p50_us", .optional(self.p50Nanoseconds.map { Double($0) / 1000 })),
            ("p99_us", .optional(self.p99Nanoseconds.map { Double($0) / 1000 })),
            ("p999_us", .optional(self.p999Nanoseconds.map { Double($0) / 1000 })),
            ("max_us", .optional(self.maxNanoseconds.map { Double($0) / 1000 })),
            ("mean_us", .optional(self.meanNanoseconds.map { $0 / 1000 })),
            ("server_pid", self.serverPID.map { .int(Int($0)) } ?? .null),
            ("server_cpu_us_per_msg", .optional(self.serverCPUPerMessage)),
            ("server_user_us_per_msg", .optional(self.serverUserPerMessage)),
            ("server_sys_us_per_msg", .optional(self.serverSystemPerMessage)),
            ("server_cpu_util", .optional(self.utilisation(self.serverTicks?.total))),
            ("loadgen_cpu_util", .optional(self.utilisation(self.loadgenTicks?.total))),
            ("clk_tck", .int(self.ticksPerSecond)),
            ("total_sent", .int(Int(self.totalSent))),
            ("total_echoed", .int(Int(self.totalEchoed))),
            ("rss_before_bytes", self.rssBeforeBytes.map { .int($0) } ?? .null),
            ("rss_after_bytes", self.rssAfterBytes.map { .int($0) } ?? .null),
            ("rss_after_close_bytes", self.rssAfterCloseBytes.map { .int($0) } ?? .null),
            ("rss_per_conn_bytes", .optional(self.rssPerConnectionBytes)),
            ("server_cpus", self.serverCPUs.map { .string($0) } ?? .null),
            ("loadgen_cpus", self.loadgenCPUs.map { .string($0) } ?? .null),
            ("close_failures", .int(self.closeFailures)),
            ("tls", .bool(self.tls)),
            ("tls_version", self.tlsParameters.map { .string($0.version) } ?? .null),
            ("tls_cipher", self.tlsParameters.map { .string($0.cipher) } ?? .null),
            ("tls_group", self.tlsParameters?.group.map { .string($0) } ?? .null),
            ("alpn", self.tlsParameters?.alpn.map { .string($0) } ?? .null),
            ("tls_peer_key", self.tlsParameters?.peerKey.map { .string($0) } ?? .null),
            ("handshakes", self.mode == .handshakes ? .int(Int(self.messages)) : .null),
            ("handshakes_per_s", .optional(self.handshakesPerSecond)),
            ("server_cpu_us_per_handshake", .optional(self.serverCPUPerHandshake)),
            ("server_user_us_per_handshake", .optional(self.serverUserPerHandshake)),
            ("server_sys_us_per_handshake", .optional(self.serverSystemPerHandshake)),
            ("resume_offered", .bool(self.resumeOffered)),
            ("resumed", self.mode == .handshakes && self.tls ? .int(Int(self.resumed)) : .null),
            ("resumption_ratio", .optional(self.resumptionRatio)),
            ("total_upgrades", .int(Int(self.totalUpgrades))),
            ("total_resumed", .int(Int(self.totalResumed))),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1.rendered)" }.joined(separator: ",") + "}"
    }

    public func humanLine() -> String {
        let name = self.label.isEmpty ? "loadgen" : self.label
        switch self.mode {
        case .idle:
            let perConnection = self.rssPerConnectionBytes.map { Self.fixed($0, 0) + " B" } ?? "n/a"
            let before = self.rssBeforeBytes.map { Self.fixed(Double($0) / 1_048_576, 1) + " MiB" } ?? "n/a"
            let after = self.rssAfterBytes.map { Self.fixed(Double($0) / 1_048_576, 1) + " MiB" } ?? "n/a"
            return "\(name) idle \(self.connections) \(self.scheme) conns: server RSS \(before) -> \(after), \(perConnection) per connection"
                + " (all \(self.totalEchoed) liveness echoes verified)" + self.tlsSuffix
        case .handshakes:
            func us(_ ns: UInt64?) -> String { ns.map { Self.fixed(Double($0) / 1000, 1) } ?? "n/a" }
            var line = "\(name) \(self.scheme) handshakes, \(self.connections) slots\(self.resumeOffered ? ", resuming" : ""):"
            line += " \(self.handshakesPerSecond.map { Self.fixed($0, 0) } ?? "n/a") handshakes/s"
            line += "  p50 \(us(self.p50Nanoseconds)) us  p99 \(us(self.p99Nanoseconds)) us"
            if let cpu = self.serverCPUPerHandshake, let user = self.serverUserPerHandshake {
                line += "  server cpu \(Self.fixed(cpu, 1)) us/handshake (user \(Self.fixed(user, 1)))"
                line += "  server util \(self.utilisation(self.serverTicks?.total).map { Self.fixed($0 * 100, 0) } ?? "?")%"
            }
            line += "  loadgen util \(self.utilisation(self.loadgenTicks?.total).map { Self.fixed($0 * 100, 0) } ?? "?")%"
            line += "  (\(self.messages) handshakes in \(Self.fixed(self.durationSeconds, 2)) s"
            if let ratio = self.resumptionRatio { line += ", \(Self.fixed(ratio * 100, 1)) % resumed" }
            return line + ")" + self.tlsSuffix
        case .echo:
            func us(_ ns: UInt64?) -> String { ns.map { Self.fixed(Double($0) / 1000, 1) } ?? "n/a" }
            var line = "\(name) \(self.connections)x\(self.size)B \(self.opcode):"
            line += " \(self.messagesPerSecond.map { Self.fixed($0, 0) } ?? "n/a") msgs/s"
            line += "  p50 \(us(self.p50Nanoseconds)) us  p99 \(us(self.p99Nanoseconds)) us  p99.9 \(us(self.p999Nanoseconds)) us"
            if let cpu = self.serverCPUPerMessage, let user = self.serverUserPerMessage {
                line += "  server cpu \(Self.fixed(cpu, 2)) us/msg (user \(Self.fixed(user, 2)))"
                line += "  server util \(self.utilisation(self.serverTicks?.total).map { Self.fixed($0 * 100, 0) } ?? "?")%"
            }
            line += "  loadgen util \(self.utilisation(self.loadgenTicks?.total).map { Self.fixed($0 * 100, 0) } ?? "?")%"
            line += "  (\(self.messages) msgs in \(Self.fixed(self.durationSeconds, 2)) s; \(self.totalEchoed)/\(self.totalSent) echoes verified"
            if let fewest = self.fewestPerConnection, let most = self.mostPerConnection {
                line += "; per connection \(fewest)–\(most)"
            }
            line += ")"
            return line + self.tlsSuffix
        }
    }

    private var scheme: String { self.tls ? "wss" : "ws" }

    /// " [TLSv1.3 TLS_AES_128_GCM_SHA256 x25519 EC prime256v1 ALPN http/1.1]" over TLS, "" otherwise.
    private var tlsSuffix: String { self.tlsParameters.map { " [\($0.summary)]" } ?? "" }

    /// `value` with `decimals` digits after the point, without Foundation.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = UInt64(scaled / scale)
        let fraction = UInt64(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}

/// The few JSON values a report needs.
enum JSONValue {
    case string(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null

    static func optional(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }

    var rendered: String {
        switch self {
        case .null: return "null"
        case .int(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return value.isFinite ? RunReport.fixed(value, 3) : "null"
        case .string(let value):
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }
}
