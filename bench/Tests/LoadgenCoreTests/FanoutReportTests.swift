@testable import LoadgenCore
import Testing

@Suite struct FanoutReportTests {
    @Test func nearestRankPercentiles() {
        let values: [UInt64] = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100]
        #expect(FanoutReport.percentile(values, 0.5) == 50)
        #expect(FanoutReport.percentile(values, 0.9) == 90)
        #expect(FanoutReport.percentile(values, 1) == 100)
        #expect(FanoutReport.percentile(values, 0) == 10)
        #expect(FanoutReport.percentile([7], 0.9) == 7)
        #expect(FanoutReport.percentile([], 0.5) == nil)
        // 20 rounds: p90 is the 18th smallest.
        #expect(FanoutReport.percentile((1...20).map { UInt64($0) }, 0.9) == 18)
    }

    @Test func jsonLineAndCounts() {
        var report = FanoutReport()
        report.label = "nio-fanout"
        report.connections = 2
        report.rounds = 2
        report.event = "broadcast"
        report.eventBytes = 1300
        report.firstNanoseconds = [1_000_000, 2_000_000]
        report.halfNanoseconds = [1_000_000, 2_000_000]
        report.lastNanoseconds = [3_000_000, 5_500_000]
        report.eventsExpected = 4
        report.eventsReceived = 4
        report.serverTicks = ProcFiles.CPUTicks(user: 30, system: 10)
        report.ticksPerSecond = 100
        #expect(report.countsMatch)
        let json = report.jsonLine()
        #expect(json.contains(#""mode":"fanout""#))
        #expect(json.contains(#""last_p50_ms":3.000"#))
        #expect(json.contains(#""last_max_ms":5.500"#))
        #expect(json.contains(#""server_cpu_s_per_round":0.200"#))
        #expect(json.contains(#""counts_match":true"#))
        #expect(json.contains(#""hangup_last_p50_ms":null"#))
        report.eventsUnexpected = 1
        #expect(!report.countsMatch)
        #expect(report.humanLine().contains("last socket p50 3.00 ms"))
    }
}
