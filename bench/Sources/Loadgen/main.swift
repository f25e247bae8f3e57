import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

// loadgen: a WebSocket echo load generator on epoll, for Callgate and the nio-echo reference.
// See bench/README.md.

func raiseOpenFileLimit(toAtLeast needed: Int) throws(LoadgenError) {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw .system("getrlimit", errno: errno) }
    guard limit.rlim_cur < rlim_t(needed) else { return }
    limit.rlim_cur = min(limit.rlim_max, rlim_t(max(needed, 1024)))
    _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    guard limit.rlim_cur >= rlim_t(needed) else {
        throw .usage("\(needed) open files are needed but the hard limit is \(limit.rlim_max): raise `ulimit -n`")
    }
}

func probe(_ options: LoadgenOptions) throws(LoadgenError) {
    // Retry refused connections until the server listens or the timeout passes.
    let deadline = MonotonicClock.now() + MonotonicClock.seconds(options.timeout)
    while true {
        do throws(LoadgenError) {
            _ = try LoadGenerator(options: options).run()
            return
        } catch .unreachable(let message) {
            guard MonotonicClock.now() < deadline else { throw .unreachable(message) }
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&pause, nil)
        }
    }
}

/// Soak mode: the report, the series as CSV when asked, and exit 1 when a verdict fails.
func soak(_ options: SoakOptions) throws(LoadgenError) {
    try raiseOpenFileLimit(toAtLeast: options.connections + options.adminConcurrency + 64)
    let report = try SoakGenerator(options: options).run()
    for line in report.humanLines() { print(line) }
    for kind in SoakError.allCases where report.errors[kind] > 0 {
        print("  \(kind.rawValue) (\(kind.meaning)): \(report.errors[kind])")
        for example in report.errors.examples[kind] ?? [] { print("    e.g. \(example)") }
    }
    print(report.jsonLine())
    if let file = options.seriesFile {
        let csv = report.csv()
        guard let handle = fopen(file, "w") else { throw .system("fopen \(file)", errno: errno) }
        fputs(csv, handle)
        fclose(handle)
    }
    if !report.passed { exit(1) }
}

signal(SIGPIPE, SIG_IGN)
do throws(LoadgenError) {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.contains("--soak") {
        try soak(SoakOptions(arguments: arguments))
        exit(0)
    }
    let options = try LoadgenOptions(arguments: arguments)
    try raiseOpenFileLimit(toAtLeast: options.connections + 64)
    if options.fanout {
        let report = try FanoutGenerator(options: options).run()
        print(report.humanLine())
        print(report.jsonLine())
        if report.closeFailures > 0 {
            printError("loadgen: warning: \(report.closeFailures) session(s) did not finish the close handshake in time")
        }
        if !report.countsMatch {
            printError("loadgen: MISMATCH: \(report.eventsReceived) of \(report.eventsExpected) awaited events arrived, \(report.eventsUnexpected) unexpected, \(report.seqMismatches) seq mismatches, \(report.incompleteRounds) incomplete rounds")
            exit(1)
        }
    } else if options.probe {
        try probe(options)
        print("loadgen: probe ok: WebSocket handshake and close with \(options.host):\(options.port)\(options.path)")
    } else {
        let report = try LoadGenerator(options: options).run()
        if let server = report.serverCPUs, let own = report.loadgenCPUs, server == own {
            printError("loadgen: warning: server and loadgen may run on the same CPUs (\(own)); pin them apart with taskset")
        }
        if report.closeFailures > 0 {
            printError("loadgen: warning: \(report.closeFailures) connection(s) did not finish the close handshake in time")
        }
        print(report.humanLine())
        print(report.jsonLine())
    }
} catch .usage(let message) {
    printError("loadgen: \(message)")
    exit(2)
} catch {
    printError("loadgen: error: \(error)")
    exit(1)
}
