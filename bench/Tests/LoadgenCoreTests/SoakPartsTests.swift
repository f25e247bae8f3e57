import LoadgenCore
import Testing

@Suite struct EventSequenceTests {
    @Test func inOrderGapsAndRepeats() {
        var sequence = EventSequence()
        #expect(sequence.observe(1) == .next)
        #expect(sequence.observe(2) == .next)
        #expect(sequence.observe(5) == .gap(expected: 3, received: 5))
        #expect(sequence.last == 5)
        #expect(sequence.observe(5) == .repeated(5))
        #expect(sequence.observe(4) == .repeated(4))
        #expect(sequence.last == 5)
        #expect(sequence.observe(6) == .next)
    }

    @Test func aReadyStateMovesTheTabOnButNeverBack() {
        var sequence = EventSequence(last: 10)
        sequence.adopt(stateLastSeq: 8)
        #expect(sequence.last == 10)
        sequence.adopt(stateLastSeq: 14)
        #expect(sequence.observe(15) == .next)
    }
}

@Suite struct TimerHeapTests {
    @Test func popsInDeadlineOrderAndTiesInInsertionOrder() {
        var heap = TimerHeap<Int>()
        var expected: [(UInt64, Int)] = []
        var state: UInt64 = 12345
        for k in 0..<500 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let deadline = (state >> 33) % 50
            heap.schedule(at: deadline, k)
            expected.append((deadline, k))
        }
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        #expect(heap.count == 500)
        #expect(heap.nextDeadline == expected[0].0)
        var popped: [(UInt64, Int)] = []
        while let timer = heap.popDue(now: .max) { popped.append((timer.deadline, timer.payload)) }
        #expect(popped.map(\.0) == expected.map(\.0))
        #expect(popped.map(\.1) == expected.map(\.1))
        #expect(heap.isEmpty)
    }

    @Test func onlyDueTimersPop() {
        var heap = TimerHeap<String>()
        heap.schedule(at: 30, "c")
        heap.schedule(at: 10, "a")
        heap.schedule(at: 20, "b")
        #expect(heap.popDue(now: 5) == nil)
        #expect(heap.popDue(now: 20)?.payload == "a")
        #expect(heap.popDue(now: 20)?.payload == "b")
        #expect(heap.popDue(now: 20) == nil)
        #expect(heap.nextDeadline == 30)
    }
}

@Suite struct EchoPayloadTests {
    private func make(connection: Int, sequence: UInt64, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { EchoPayload.write(connection: connection, sequence: sequence, size: size, to: $0.baseAddress!) }
        return bytes
    }

    @Test func exactSizePrintableJSON() {
        for size in [EchoPayload.minimumSize, 81, 100, 1000, 4096] {
            let bytes = self.make(connection: 99_999, sequence: 123_456_789_012, size: size)
            #expect(bytes.count == size)
            #expect(bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasPrefix(#"{"type":"chat","conn":99999,"seq":123456789012,"text":""#))
            #expect(text.hasSuffix(#""}"#))
            #expect(!text.dropFirst(56).dropLast(2).contains("\""))
        }
    }

    @Test func anotherMessageOrConnectionDiffers() {
        let a = self.make(connection: 1, sequence: 1, size: 500)
        #expect(a == self.make(connection: 1, sequence: 1, size: 500))
        #expect(a != self.make(connection: 1, sequence: 2, size: 500))
        #expect(a != self.make(connection: 2, sequence: 1, size: 500))
    }

    @Test func sizesAreLogUniformWithinBounds() {
        var state: UInt64 = 7
        var sizes: [Int] = []
        for _ in 0..<10_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            sizes.append(EchoPayload.size(random: state, minimum: 80, maximum: 4096))
        }
        #expect(sizes.min()! >= 80 && sizes.max()! <= 4096)
        // Log-uniform: the median is near the geometric mean, sqrt(80 × 4096) ≈ 572.
        let median = sizes.sorted()[5000]
        #expect(median > 480 && median < 680)
        #expect(EchoPayload.size(random: 0, minimum: 100, maximum: 100) == 100)
    }
}

@Suite struct SoakReportTests {
    private func report(loaded rss: [Int], fds: [Int]? = nil, before: Int = 100 << 20, after: Int = 102 << 20, fdsBefore: Int = 20, fdsAfter: Int = 20) -> SoakReport {
        var report = SoakReport()
        report.samples.append(.init(seconds: 0, phase: .before, rssBytes: before, openFiles: fdsBefore, clientSockets: 0))
        report.samples.append(.init(seconds: 5, phase: .warmup, rssBytes: rss[0] + (50 << 20), openFiles: 10_020, clientSockets: 10_000))
        for (k, value) in rss.enumerated() {
            report.samples.append(.init(seconds: Double(10 + 5 * k), phase: .loaded, rssBytes: value, openFiles: fds?[k] ?? 10_020, clientSockets: 10_000))
        }
        report.samples.append(.init(seconds: 900, phase: .settle, rssBytes: after, openFiles: fdsAfter, clientSockets: 0))
        return report
    }

    @Test func aFlatSeriesPassesEveryVerdict() {
        let report = self.report(loaded: [300 << 20, 305 << 20, 298 << 20, 310 << 20])
        #expect(report.rssStable)
        #expect(report.fdsFlat)
        #expect(report.memoryReturned)
        #expect(report.passed)
        #expect(abs(report.returnedShare! - 0.99) < 1e-9)
        let deviation = report.rssDeviationPercent!
        #expect(abs(deviation.low - (-0.667)) < 0.01 && abs(deviation.high - 3.333) < 0.01)
        // The warm-up's higher sample is not judged, but it is the peak.
        #expect(report.peak?.phase == .warmup)
    }

    @Test func growthPastTheBandFails() {
        let report = self.report(loaded: [300 << 20, 306 << 20, 312 << 20, 318 << 20])
        #expect(!report.rssStable)
        #expect(!report.passed)
        #expect(report.rssTrendBytesPerMinute! > Double(70 << 20))
    }

    @Test func descriptorsMustStayInTheBandAndComeBack() {
        #expect(self.report(loaded: [300 << 20, 300 << 20], fds: [10_020, 10_200]).fdsFlat)
        #expect(!self.report(loaded: [300 << 20, 300 << 20], fds: [10_020, 10_300]).fdsFlat)
        #expect(!self.report(loaded: [300 << 20, 300 << 20], fdsAfter: 21).fdsFlat)
        var small = self.report(loaded: [300 << 20, 300 << 20], fds: [100, 131])
        #expect(small.fdBand == 32 && small.fdsFlat)
        small.fdBandMinimum = 16
        #expect(!small.fdsFlat)
    }

    @Test func memoryNotReturnedFails() {
        // 200 MiB added by the load; 30 MiB of it still held is 85 % returned, under 90 %.
        let report = self.report(loaded: [300 << 20, 300 << 20], after: 130 << 20)
        #expect(abs(report.returnedShare! - 0.85) < 1e-9)
        #expect(!report.memoryReturned)
        #expect(!report.passed)
    }

    @Test func anErrorFailsTheRun() {
        var report = self.report(loaded: [300 << 20, 300 << 20])
        report.errors.record(.seqGap, "alice tab 1: expected seq 4, got 6")
        #expect(!report.passed)
        #expect(report.jsonLine().contains(#""error_seq_gap":1"#))
        #expect(report.jsonLine().contains(#""passed":false"#))
        #expect(report.humanLines().contains { $0.contains("errors: 1 (seq_gap 1)") })
    }

    @Test func noSeriesNoVerdict() {
        let report = SoakReport()
        #expect(!report.rssStable && !report.fdsFlat && !report.memoryReturned && !report.passed)
        #expect(report.humanLines().contains { $0.contains("incomplete") })
    }

    @Test func latenciesAndTheMachineAreReported() {
        var report = self.report(loaded: [300 << 20, 300 << 20])
        let histogram = LatencyHistogram()
        for ms in 1...100 { histogram.record(UInt64(ms) * 1_000_000) }
        report.latencies = [SoakReport.Latency(name: "echo", histogram)]
        let latency = report.latencies[0]
        #expect(latency.count == 100)
        #expect(abs(latency.p50! - 50) < 1 && abs(latency.p99! - 99) < 2 && abs(latency.max! - 100) < 2)
        #expect(report.humanLines().contains { $0.hasPrefix("  latency ms (p50/p99/max): echo 5") })
        #expect(report.jsonLine().contains(#""echo_count":100"#))
        report.samples[1].loadAverage = 3
        report.samples[2].loadAverage = 5
        report.samples[2].loadgenLagMilliseconds = 1500
        #expect(report.loadAverage! == (4, 5))
        #expect(report.loadgenMaxLagMilliseconds == 1500)
    }

    @Test func csvHasOneLinePerSample() {
        let report = self.report(loaded: [300 << 20, 300 << 20])
        let lines = report.csv().split(separator: "\n")
        #expect(lines.count == report.samples.count + 1)
        #expect(lines[1] == "0.0,before,104857600,,20,0,,,,")
    }
}

@Suite struct SoakErrorCountsTests {
    @Test func countsEveryErrorAndKeepsTheFirstExamples() {
        var errors = SoakErrorCounts()
        #expect(errors.summary == "none")
        for k in 0..<8 { errors.record(.echoTimeout, "echo \(k)") }
        errors.record(.connectFailed, "refused")
        #expect(errors.total == 9)
        #expect(errors[.echoTimeout] == 8)
        #expect(errors.examples[.echoTimeout] == (0..<SoakErrorCounts.examplesKept).map { "echo \($0)" })
        // In the order of SoakError, not of arrival.
        #expect(errors.summary == "connect_failed 1, echo_timeout 8")
    }
}
