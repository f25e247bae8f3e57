import LoadgenCore
import Testing

@Suite struct ProcFilesTests {
    @Test func statFieldsAfterAnAwkwardCommandName() {
        // proc(5): field 2 is "(comm)" and may contain spaces and ')'.
        let stat = "4242 (we ird) (name)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 731 96 0 0 20 0 3 0 12345 1000000 2000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
        #expect(ProcFiles.cpuTicks(stat: stat) == ProcFiles.CPUTicks(user: 731, system: 96))
        #expect(ProcFiles.cpuTicks(stat: "garbage") == nil)
    }

    @Test func statusFields() {
        let status = "Name:\tnio-echo\nVmRSS:\t   18520 kB\nCpus_allowed_list:\t1\n"
        #expect(ProcFiles.residentBytes(status: status) == 18520 * 1024)
        #expect(ProcFiles.statusField("Cpus_allowed_list", status: status) == "1")
        #expect(ProcFiles.statusField("VmHWM", status: status) == nil)
    }
}

@Suite struct RunReportTests {
    @Test func perMessageFigures() {
        var report = RunReport()
        report.messages = 1_000_000
        report.durationSeconds = 10
        report.ticksPerSecond = 100
        report.serverTicks = ProcFiles.CPUTicks(user: 150, system: 350)
        #expect(report.messagesPerSecond == 100_000)
        #expect(report.serverCPUPerMessage == 5)
        #expect(report.serverUserPerMessage == 1.5)
        let json = report.jsonLine()
        #expect(json.contains("\"server_cpu_us_per_msg\":5.000"))
        #expect(json.contains("\"server_user_us_per_msg\":1.500"))
        #expect(json.contains("\"server_cpu_util\":0.500"))
        #expect(json.contains("\"rss_per_conn_bytes\":null"))
    }

    @Test func pipelinedFiguresNameTheDepthAndTheFairness() {
        var report = RunReport()
        report.connections = 100
        report.size = 64
        report.inFlight = 16
        report.messages = 1600
        report.durationSeconds = 1
        report.fewestPerConnection = 3
        report.mostPerConnection = 40
        let json = report.jsonLine()
        #expect(json.contains("\"in_flight\":16"))
        #expect(json.contains("\"min_conn_msgs\":3"))
        #expect(json.contains("\"max_conn_msgs\":40"))
        #expect(report.humanLine().contains("per connection 3–40"))
        #expect(RunReport().jsonLine().contains("\"min_conn_msgs\":null"))
    }

    @Test func idleFigures() {
        var report = RunReport()
        report.mode = .idle
        report.connections = 1000
        report.rssBeforeBytes = 10_000_000
        report.rssAfterBytes = 14_096_000
        #expect(report.rssPerConnectionBytes == 4096)
        #expect(report.jsonLine().contains("\"msgs_per_s\":null"))
    }
}
