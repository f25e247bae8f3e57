/// One fan-out run's result (loadgen `--fanout`): per measured round, how long after the trigger
/// request was written the first socket, the median socket and the last socket had the event.
/// A human-readable line and a flat JSON line (`fanout.sh` reads the keys); absent figures are
/// JSON `null`.
public struct FanoutReport: Sendable {
    public var label = ""
    public var port = 0
    public var path = "/"
    public var connections = 0
    public var warmupRounds = 0
    /// Measured rounds asked for.
    public var rounds = 0
    public var event = ""
    /// The awaited event's message size in bytes (payload of the first one seen).
    public var eventBytes: Int?
    /// Per complete measured round, nanoseconds from just before the trigger's write to the
    /// arrival of the event on the first socket, on socket ⌈N/2⌉, and on the last socket.
    public var firstNanoseconds: [UInt64] = []
    public var halfNanoseconds: [UInt64] = []
    public var lastNanoseconds: [UInt64] = []
    /// Per measured round with a hangup step: from the hangup request to the last socket's hangup event.
    public var hangupLastNanoseconds: [UInt64] = []
    /// Rounds (warm-ups included) where some socket missed the event within the timeout.
    public var incompleteRounds = 0
    /// Awaited events (event and hangup event) over the whole run: expected = connections × rounds.
    public var eventsExpected = 0
    public var eventsReceived = 0
    /// An awaited event arriving on a socket that already had it this round, or outside a round.
    public var eventsUnexpected = 0
    /// Sockets whose event of a round carried another `seq` than the round's first one.
    public var seqMismatches = 0
    /// Error replies (e.g. to an `ack`) seen during the rounds.
    public var errorReplies = 0
    public var serverPID: Int32?
    public var serverTicks: ProcFiles.CPUTicks?
    public var loadgenTicks: ProcFiles.CPUTicks?
    /// `--cpu-pids`: each process's CPU time over the measured rounds.
    public var otherTicks: [(pid: Int32, ticks: ProcFiles.CPUTicks)] = []
    public var ticksPerSecond = 100
    /// Measured seconds (sum of the measured rounds, pauses included), for utilisation.
    public var measuredSeconds = 0.0
    public var closeFailures = 0

    public init() {}

    /// Every socket got every awaited event exactly once, with one seq per round.
    public var countsMatch: Bool {
        self.incompleteRounds == 0 && self.eventsReceived == self.eventsExpected && self.eventsUnexpected == 0 && self.seqMismatches == 0
    }

    /// The nearest-rank percentile (q in 0...1) of `values`: the smallest value with at least
    /// q × count values at or below it.
    public static func percentile(_ values: [UInt64], _ q: Double) -> UInt64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    private func ms(_ values: [UInt64], _ q: Double) -> JSONValue {
        Self.percentile(values, q).map { .number(Double($0) / 1e6) } ?? .null
    }

    private func cpuSecondsPerRound(_ ticks: UInt64?) -> Double? {
        guard let ticks, self.rounds > 0 else { return nil }
        return Double(ticks) / Double(self.ticksPerSecond) / Double(self.rounds)
    }

    private func utilisation(_ ticks: UInt64?) -> Double? {
        guard let ticks, self.measuredSeconds > 0 else { return nil }
        return Double(ticks) / Double(self.ticksPerSecond) / self.measuredSeconds
    }

    public func jsonLine() -> String {
        let fields: [(String, JSONValue)] = [
            ("tool", .string("loadgen")),
            ("mode", .string("fanout")),
            ("label", .string(self.label)),
            ("port", .int(self.port)),
            ("path", .string(self.path)),
            ("connections", .int(self.connections)),
            ("warmup_rounds", .int(self.warmupRounds)),
            ("rounds", .int(self.rounds)),
            ("complete_rounds", .int(self.lastNanoseconds.count)),
            ("event", .string(self.event)),
            ("event_bytes", self.eventBytes.map { .int($0) } ?? .null),
            ("first_p50_ms", self.ms(self.firstNanoseconds, 0.5)),
            ("first_p90_ms", self.ms(self.firstNanoseconds, 0.9)),
            ("first_max_ms", self.ms(self.firstNanoseconds, 1)),
            ("half_p50_ms", self.ms(self.halfNanoseconds, 0.5)),
            ("last_min_ms", self.ms(self.lastNanoseconds, 0)),
            ("last_p50_ms", self.ms(self.lastNanoseconds, 0.5)),
            ("last_p90_ms", self.ms(self.lastNanoseconds, 0.9)),
            ("last_max_ms", self.ms(self.lastNanoseconds, 1)),
            ("hangup_last_p50_ms", self.ms(self.hangupLastNanoseconds, 0.5)),
            ("server_pid", self.serverPID.map { .int(Int($0)) } ?? .null),
            ("server_cpu_s_per_round", .optional(self.cpuSecondsPerRound(self.serverTicks?.total))),
            ("server_user_s_per_round", .optional(self.cpuSecondsPerRound(self.serverTicks?.user))),
            ("server_cpu_util", .optional(self.utilisation(self.serverTicks?.total))),
            ("loadgen_cpu_s_per_round", .optional(self.cpuSecondsPerRound(self.loadgenTicks?.total))),
            ("loadgen_cpu_util", .optional(self.utilisation(self.loadgenTicks?.total))),
            ("pids_cpu_s_per_round", .string(self.otherTicks.map { "\($0.pid)=\(RunReport.fixed(self.cpuSecondsPerRound($0.ticks.total) ?? 0, 5))" }.joined(separator: " "))),
            ("measured_s", .number(self.measuredSeconds)),
            ("clk_tck", .int(self.ticksPerSecond)),
            ("incomplete_rounds", .int(self.incompleteRounds)),
            ("events_expected", .int(self.eventsExpected)),
            ("events_received", .int(self.eventsReceived)),
            ("events_unexpected", .int(self.eventsUnexpected)),
            ("seq_mismatches", .int(self.seqMismatches)),
            ("error_replies", .int(self.errorReplies)),
            ("counts_match", .bool(self.countsMatch)),
            ("close_failures", .int(self.closeFailures)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1.rendered)" }.joined(separator: ",") + "}"
    }

    public func humanLine() -> String {
        func ms(_ values: [UInt64], _ q: Double) -> String {
            Self.percentile(values, q).map { RunReport.fixed(Double($0) / 1e6, 2) } ?? "n/a"
        }
        let name = self.label.isEmpty ? "loadgen" : self.label
        var line = "\(name) fan-out of \(self.event)"
        line += self.eventBytes.map { " (\($0) B)" } ?? ""
        line += " to \(self.connections) sockets, \(self.lastNanoseconds.count)/\(self.rounds) rounds:"
        line += "  last socket p50 \(ms(self.lastNanoseconds, 0.5)) ms  p90 \(ms(self.lastNanoseconds, 0.9)) ms  max \(ms(self.lastNanoseconds, 1)) ms"
        line += "  first socket p50 \(ms(self.firstNanoseconds, 0.5)) ms  half p50 \(ms(self.halfNanoseconds, 0.5)) ms"
        if let cpu = self.cpuSecondsPerRound(self.serverTicks?.total) {
            line += "  server cpu \(RunReport.fixed(cpu * 1000, 1)) ms/round"
        }
        if let cpu = self.cpuSecondsPerRound(self.loadgenTicks?.total) {
            line += "  loadgen cpu \(RunReport.fixed(cpu * 1000, 1)) ms/round"
        }
        line += "  (events \(self.eventsReceived)/\(self.eventsExpected)"
        if self.eventsUnexpected > 0 { line += ", \(self.eventsUnexpected) unexpected" }
        if self.seqMismatches > 0 { line += ", \(self.seqMismatches) seq mismatches" }
        if self.incompleteRounds > 0 { line += ", \(self.incompleteRounds) incomplete rounds" }
        return line + ")"
    }
}
