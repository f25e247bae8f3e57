/// One soak run's result (loadgen `--soak`, bench/soak.sh): the traffic, the errors by kind, the
/// server's resource series, and the four verdicts the soak exists for:
///
/// 1. **RSS stable**: every sample of the loaded phase after warm-up is within ±`rssBandPercent`
///    of the first such sample (the reference).
/// 2. **Descriptors flat**: every such sample's open-file count is within ±`fdBandPercent` of the
///    reference's (at least ±`fdBandMinimum`: connections being replaced by churn come and go),
///    and after every connection has closed the count is back to where it was before the first.
/// 3. **No errors**: `errors.total == 0`.
/// 4. **Memory returned**: after every connection has closed and `settle` seconds have passed,
///    RSS is back within `returnedPercent` % of what the load added: RSS after − RSS before ≤
///    (100 − returnedPercent) % × (reference − RSS before).
public struct SoakReport: Sendable {
    public enum Phase: String, Sendable {
        /// Before the first connection.
        case before
        /// Connections being opened (and agent tabs logging in or attaching).
        case setup
        /// Full load, not judged.
        case warmup
        /// Full load, judged.
        case loaded
        /// No new calls or echoes; waiting for those in progress.
        case drain
        /// Closing every connection.
        case closing
        /// Every connection closed.
        case settle
    }

    public struct Sample: Sendable, Equatable {
        public var seconds: Double
        public var phase: Phase
        /// The server's VmRSS and RssAnon (/proc/PID/status), in bytes.
        public var rssBytes: Int
        public var anonBytes: Int?
        /// Entries of /proc/PID/fd.
        public var openFiles: Int
        /// Sockets the load generator holds to the server (WebSockets in any state, admin requests).
        public var clientSockets: Int
        public var loadgenRSSBytes: Int?
        /// The server's CPU use since the previous sample, in % of one core.
        public var serverCPUPercent: Double?
        /// The load generator's longest pause between two turns of its loop since the previous
        /// sample: above a second, it was starved of CPU, and its timeouts may be its own lateness.
        public var loadgenLagMilliseconds: Double?
        /// The machine's 1-minute load average (/proc/loadavg): other work sharing the cores.
        public var loadAverage: Double?

        public init(
            seconds: Double, phase: Phase, rssBytes: Int, anonBytes: Int? = nil, openFiles: Int, clientSockets: Int, loadgenRSSBytes: Int? = nil,
            serverCPUPercent: Double? = nil, loadgenLagMilliseconds: Double? = nil, loadAverage: Double? = nil
        ) {
            self.seconds = seconds
            self.phase = phase
            self.rssBytes = rssBytes
            self.anonBytes = anonBytes
            self.openFiles = openFiles
            self.clientSockets = clientSockets
            self.loadgenRSSBytes = loadgenRSSBytes
            self.serverCPUPercent = serverCPUPercent
            self.loadgenLagMilliseconds = loadgenLagMilliseconds
            self.loadAverage = loadAverage
        }
    }

    /// A latency's distribution over the run, in milliseconds.
    public struct Latency: Sendable, Equatable {
        public var name: String
        public var count: UInt64
        public var p50: Double?
        public var p99: Double?
        public var max: Double?

        public init(name: String, count: UInt64, p50: Double?, p99: Double?, max: Double?) {
            self.name = name
            self.count = count
            self.p50 = p50
            self.p99 = p99
            self.max = max
        }

        public init(name: String, _ histogram: LatencyHistogram) {
            func ms(_ value: UInt64?) -> Double? { value.map { Double($0) / 1e6 } }
            self.init(
                name: name, count: histogram.count, p50: ms(histogram.value(atQuantile: 0.5)), p99: ms(histogram.value(atQuantile: 0.99)),
                max: ms(histogram.max))
        }
    }

    public var label = ""
    public var connections = 0
    public var tabs = 0
    public var users = 0
    public var durationSeconds = 0.0
    public var warmupSeconds = 0.0
    public var settleSeconds = 0.0
    public var churnPerSecond = 0.0
    public var deflateOffered = false
    /// Upgrades (first connections and reconnects), and how many of them agreed permessage-deflate.
    public var upgrades = 0
    public var deflateUpgrades = 0
    public var reconnects = 0
    public var tabReconnects = 0
    public var echoesSent = 0
    public var echoesVerified = 0
    public var echoBytes = 0
    public var compressedMessagesSent = 0
    public var compressedMessagesReceived = 0
    public var callsStarted = 0
    public var callsCompleted = 0
    /// Per-user events (with `seq`) received, counted per tab.
    public var userEvents = 0
    public var acksSent = 0
    public var adminRequests = 0
    public var pingsAnswered = 0
    public var setupSeconds = 0.0
    public var errors = SoakErrorCounts()
    public var samples: [Sample] = []
    /// echo (sent → verified), admin (request → response), ringing (call `POST` → the first
    /// tab's `callRinging`), connect (`answer` → `callConnect`), hangup (hangup `POST` →
    /// `callHangup`).
    public var latencies: [Latency] = []
    public var serverCPUSeconds: Double?
    public var loadgenCPUSeconds: Double?

    public var rssBandPercent = 5.0
    public var fdBandPercent = 2.0
    public var fdBandMinimum = 32
    public var returnedPercent = 90.0

    public init() {}

    // MARK: - The series

    public var before: Sample? { self.samples.last { $0.phase == .before } }
    public var loaded: [Sample] { self.samples.filter { $0.phase == .loaded } }
    public var reference: Sample? { self.samples.first { $0.phase == .loaded } }
    /// The last sample once every connection had closed.
    public var after: Sample? { self.samples.last { $0.phase == .settle } }
    public var peak: Sample? { self.samples.max { $0.rssBytes < $1.rssBytes } }

    /// The loaded samples' lowest and highest RSS as a deviation from the reference, in percent.
    public var rssDeviationPercent: (low: Double, high: Double)? {
        guard let reference, reference.rssBytes > 0 else { return nil }
        let values = self.loaded.map(\.rssBytes)
        let base = Double(reference.rssBytes)
        return ((Double(values.min()!) - base) / base * 100, (Double(values.max()!) - base) / base * 100)
    }

    /// Least-squares slope of RSS over the loaded samples, in bytes per minute.
    public var rssTrendBytesPerMinute: Double? {
        let points = self.loaded
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let meanT = points.map(\.seconds).reduce(0, +) / n
        let meanR = points.map { Double($0.rssBytes) }.reduce(0, +) / n
        var numerator = 0.0
        var denominator = 0.0
        for p in points {
            numerator += (p.seconds - meanT) * (Double(p.rssBytes) - meanR)
            denominator += (p.seconds - meanT) * (p.seconds - meanT)
        }
        return denominator > 0 ? numerator / denominator * 60 : nil
    }

    public var rssStable: Bool {
        guard let deviation = self.rssDeviationPercent else { return false }
        return deviation.low >= -self.rssBandPercent && deviation.high <= self.rssBandPercent
    }

    public var fdBand: Int {
        guard let reference else { return self.fdBandMinimum }
        return max(self.fdBandMinimum, Int((Double(reference.openFiles) * self.fdBandPercent / 100).rounded(.up)))
    }

    /// Loaded samples within the band, and the count back to where it was before.
    public var fdsFlat: Bool {
        guard let reference, let before, let after else { return false }
        let band = self.fdBand
        return self.loaded.allSatisfy { abs($0.openFiles - reference.openFiles) <= band } && after.openFiles <= before.openFiles
    }

    /// The share of what the load added to RSS (reference − before) that is gone after the close.
    public var returnedShare: Double? {
        guard let before, let reference, let after, reference.rssBytes > before.rssBytes else { return nil }
        return Double(reference.rssBytes - after.rssBytes) / Double(reference.rssBytes - before.rssBytes)
    }

    public var memoryReturned: Bool {
        guard let share = self.returnedShare else { return false }
        return share * 100 >= self.returnedPercent
    }

    public var passed: Bool { self.errors.total == 0 && self.rssStable && self.fdsFlat && self.memoryReturned }

    /// The load generator's longest loop pause over the run, in ms.
    public var loadgenMaxLagMilliseconds: Double? { self.samples.compactMap(\.loadgenLagMilliseconds).max() }

    /// The machine's load average over the samples from setup to drain: the mean and the highest.
    public var loadAverage: (mean: Double, max: Double)? {
        let values = self.samples.filter { $0.phase != .before && $0.phase != .settle }.compactMap(\.loadAverage)
        guard !values.isEmpty else { return nil }
        return (values.reduce(0, +) / Double(values.count), values.max()!)
    }

    // MARK: - Output

    static func mib(_ bytes: Int?) -> String { bytes.map { RunReport.fixed(Double($0) / 1_048_576, 1) } ?? "n/a" }
    static func verdict(_ ok: Bool) -> String { ok ? "PASS" : "FAIL" }

    /// The report for people: a few lines, the verdicts last.
    public func humanLines() -> [String] {
        let name = self.label.isEmpty ? "loadgen" : self.label
        let echoConnections = self.connections - self.tabs
        var lines: [String] = []
        lines.append(
            "\(name) soak: \(self.connections) connections (\(self.tabs) agent tabs of \(self.users) users, \(echoConnections) echo),"
                + " \(RunReport.fixed(self.durationSeconds, 0)) s loaded (first \(RunReport.fixed(self.warmupSeconds, 0)) s warm-up),"
                + " churn \(RunReport.fixed(self.churnPerSecond * 100, 2)) %/s, setup \(RunReport.fixed(self.setupSeconds, 1)) s")
        lines.append(
            "  traffic: \(self.upgrades) upgrades (\(self.deflateOffered ? "\(self.deflateUpgrades) with permessage-deflate" : "deflate not offered")),"
                + " \(self.reconnects) reconnects (\(self.tabReconnects) tabs), echoes \(self.echoesVerified)/\(self.echoesSent) verified"
                + " (\(Self.mib(self.echoBytes)) MiB), calls \(self.callsCompleted)/\(self.callsStarted) completed, \(self.userEvents) per-user events,"
                + " \(self.acksSent) acks, \(self.adminRequests) admin requests, \(self.pingsAnswered) pings answered,"
                + " compressed messages \(self.compressedMessagesSent) sent / \(self.compressedMessagesReceived) received")
        if let before = self.before, let reference = self.reference, let after = self.after {
            let loaded = self.loaded.map(\.rssBytes)
            let mean = loaded.isEmpty ? 0 : loaded.reduce(0, +) / loaded.count
            let deviation = self.rssDeviationPercent.map { "\(RunReport.fixed($0.low, 1)) % / +\(RunReport.fixed($0.high, 1)) %" } ?? "n/a"
            lines.append(
                "  server RSS MiB: before \(Self.mib(before.rssBytes)), peak \(Self.mib(self.peak?.rssBytes)), after warm-up \(Self.mib(reference.rssBytes));"
                    + " loaded \(loaded.count) samples min \(Self.mib(loaded.min())) max \(Self.mib(loaded.max())) mean \(Self.mib(mean)) last \(Self.mib(loaded.last));"
                    + " deviation \(deviation); trend \(self.rssTrendBytesPerMinute.map { RunReport.fixed($0 / 1_048_576, 2) } ?? "n/a") MiB/min;"
                    + " after close \(Self.mib(after.rssBytes)) (+\(RunReport.fixed(self.settleSeconds, 0)) s)")
            let fds = self.loaded.map(\.openFiles)
            lines.append(
                "  server fds: before \(before.openFiles), after warm-up \(reference.openFiles), loaded min \(fds.min() ?? 0) max \(fds.max() ?? 0)"
                    + " (band ±\(self.fdBand)), after close \(after.openFiles)")
        } else {
            lines.append("  server series: incomplete (\(self.samples.count) samples)")
        }
        let load = self.loadAverage.map { "mean \(RunReport.fixed($0.mean, 2)), max \(RunReport.fixed($0.max, 2))" } ?? "n/a"
        let serverCPU = self.loaded.compactMap(\.serverCPUPercent)
        lines.append(
            "  machine: load average \(load); server CPU while loaded \(serverCPU.isEmpty ? "n/a" : "mean \(RunReport.fixed(serverCPU.reduce(0, +) / Double(serverCPU.count), 0)) %, max \(RunReport.fixed(serverCPU.max()!, 0)) %");"
                + " loadgen's longest loop pause \(self.loadgenMaxLagMilliseconds.map { RunReport.fixed($0, 0) } ?? "n/a") ms")
        if !self.latencies.isEmpty {
            func ms(_ value: Double?) -> String { value.map { RunReport.fixed($0, $0 < 10 ? 2 : 0) } ?? "-" }
            lines.append(
                "  latency ms (p50/p99/max): "
                    + self.latencies.map { "\($0.name) \(ms($0.p50))/\(ms($0.p99))/\(ms($0.max))" }.joined(separator: ", "))
        }
        lines.append("  errors: \(self.errors.total) (\(self.errors.summary))")
        let returned = self.returnedShare.map { "\(RunReport.fixed($0 * 100, 1)) % of the load's RSS returned" } ?? "n/a"
        lines.append(
            "  verdicts: RSS within ±\(RunReport.fixed(self.rssBandPercent, 0)) % after warm-up \(Self.verdict(self.rssStable));"
                + " fds flat \(Self.verdict(self.fdsFlat)); zero errors \(Self.verdict(self.errors.total == 0));"
                + " memory returned (≥ \(RunReport.fixed(self.returnedPercent, 0)) %: \(returned)) \(Self.verdict(self.memoryReturned))")
        return lines
    }

    public func jsonLine() -> String {
        let deviation = self.rssDeviationPercent
        var fields: [(String, JSONValue)] = [
            ("tool", .string("loadgen")),
            ("mode", .string("soak")),
            ("label", .string(self.label)),
            ("connections", .int(self.connections)),
            ("tabs", .int(self.tabs)),
            ("users", .int(self.users)),
            ("duration_s", .number(self.durationSeconds)),
            ("warmup_s", .number(self.warmupSeconds)),
            ("settle_s", .number(self.settleSeconds)),
            ("churn_per_s", .number(self.churnPerSecond)),
            ("setup_s", .number(self.setupSeconds)),
            ("deflate_offered", .bool(self.deflateOffered)),
            ("upgrades", .int(self.upgrades)),
            ("deflate_upgrades", .int(self.deflateUpgrades)),
            ("reconnects", .int(self.reconnects)),
            ("tab_reconnects", .int(self.tabReconnects)),
            ("echoes_sent", .int(self.echoesSent)),
            ("echoes_verified", .int(self.echoesVerified)),
            ("echo_bytes", .int(self.echoBytes)),
            ("compressed_sent", .int(self.compressedMessagesSent)),
            ("compressed_received", .int(self.compressedMessagesReceived)),
            ("calls_started", .int(self.callsStarted)),
            ("calls_completed", .int(self.callsCompleted)),
            ("user_events", .int(self.userEvents)),
            ("acks_sent", .int(self.acksSent)),
            ("admin_requests", .int(self.adminRequests)),
            ("pings_answered", .int(self.pingsAnswered)),
            ("rss_before", self.before.map { .int($0.rssBytes) } ?? .null),
            ("rss_peak", self.peak.map { .int($0.rssBytes) } ?? .null),
            ("rss_reference", self.reference.map { .int($0.rssBytes) } ?? .null),
            ("rss_loaded_min", self.loaded.map(\.rssBytes).min().map { .int($0) } ?? .null),
            ("rss_loaded_max", self.loaded.map(\.rssBytes).max().map { .int($0) } ?? .null),
            ("rss_after", self.after.map { .int($0.rssBytes) } ?? .null),
            ("rss_deviation_low_pct", .optional(deviation?.low)),
            ("rss_deviation_high_pct", .optional(deviation?.high)),
            ("rss_trend_bytes_per_min", .optional(self.rssTrendBytesPerMinute)),
            ("returned_share", .optional(self.returnedShare)),
            ("fds_before", self.before.map { .int($0.openFiles) } ?? .null),
            ("fds_reference", self.reference.map { .int($0.openFiles) } ?? .null),
            ("fds_loaded_min", self.loaded.map(\.openFiles).min().map { .int($0) } ?? .null),
            ("fds_loaded_max", self.loaded.map(\.openFiles).max().map { .int($0) } ?? .null),
            ("fds_after", self.after.map { .int($0.openFiles) } ?? .null),
            ("samples", .int(self.samples.count)),
            ("server_cpu_s", .optional(self.serverCPUSeconds)),
            ("loadgen_cpu_s", .optional(self.loadgenCPUSeconds)),
            ("loadgen_max_lag_ms", .optional(self.loadgenMaxLagMilliseconds)),
            ("load_average_mean", .optional(self.loadAverage?.mean)),
            ("load_average_max", .optional(self.loadAverage?.max)),
            ("errors", .int(self.errors.total)),
        ]
        for kind in SoakError.allCases { fields.append(("error_\(kind.rawValue)", .int(self.errors[kind]))) }
        for latency in self.latencies {
            fields += [
                ("\(latency.name)_count", .int(Int(latency.count))), ("\(latency.name)_p50_ms", .optional(latency.p50)),
                ("\(latency.name)_p99_ms", .optional(latency.p99)), ("\(latency.name)_max_ms", .optional(latency.max)),
            ]
        }
        fields += [
            ("rss_stable", .bool(self.rssStable)),
            ("fds_flat", .bool(self.fdsFlat)),
            ("memory_returned", .bool(self.memoryReturned)),
            ("passed", .bool(self.passed)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1.rendered)" }.joined(separator: ",") + "}"
    }

    /// The series as CSV, one line per sample, for plotting.
    public func csv() -> String {
        func optional(_ value: Double?, _ decimals: Int) -> String { value.map { RunReport.fixed($0, decimals) } ?? "" }
        var text = "seconds,phase,rss_bytes,anon_bytes,open_files,client_sockets,loadgen_rss_bytes,server_cpu_pct,loadgen_lag_ms,load_average\n"
        for s in self.samples {
            text += "\(RunReport.fixed(s.seconds, 1)),\(s.phase.rawValue),\(s.rssBytes),\(s.anonBytes.map(String.init) ?? ""),"
                + "\(s.openFiles),\(s.clientSockets),\(s.loadgenRSSBytes.map(String.init) ?? ""),"
                + "\(optional(s.serverCPUPercent, 1)),\(optional(s.loadgenLagMilliseconds, 0)),\(optional(s.loadAverage, 2))\n"
        }
        return text
    }
}
