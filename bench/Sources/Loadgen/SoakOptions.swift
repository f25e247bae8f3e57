import LoadgenCore

/// The command line of soak mode (`loadgen --soak …`, bench/README.md "Soak").
struct SoakOptions {
    var host = "127.0.0.1"
    var port = 0
    var connections = 10_000
    /// Share of the connections that are agent tabs on `agentPath`; the rest echo on `echoPath`.
    var agentShare = 0.5
    var tabsPerUser = 2
    /// Users are PREFIX1 … PREFIXn, each with the phone PREFIXi-phone (bench/soak.sh writes that
    /// directory), all with one password.
    var userPrefix = "soak"
    var agentPassword = ""
    var agentPath = "/ws"
    var echoPath = "/echo"
    /// `Authorization` of the admin API requests.
    var authorization: String?
    var serverPID: Int32 = 0
    /// Seconds of full load after setup, the first `warmup` of them not judged; then drain, close
    /// and `settle` seconds with every connection closed.
    var duration = 600.0
    var warmup = 60.0
    var settle = 15.0
    var sampleInterval = 5.0
    /// Mean seconds between one echo connection's messages (each wait is 0.5–1.5 × this).
    var echoInterval = 2.0
    var echoMinSize = 80
    var echoMaxSize = 4096
    /// Mean seconds between a user's calls (0.5–1.5 × this), and a call's connected time.
    var callInterval = 30.0
    var talk = 3.0
    /// Share of the connections closed (1001, as a reloading page) and reopened per second.
    var churn = 0.005
    var timeout = 10.0
    var setupTimeout = 300.0
    var connectConcurrency = 64
    var adminConcurrency = 256
    var sourceAddresses = 1
    var offerDeflate = true
    var requireDeflate = false
    /// The client compressor's window and memLevel (Chromium: the negotiated window, 8).
    var clientWindowBits = 15
    var clientMemoryLevel = 8
    var seriesFile: String?
    var label = ""
    var rssBandPercent = 5.0
    var fdBandPercent = 2.0
    var returnedPercent = 90.0

    /// The largest message the client takes (a `ready` state object, a replay's events, an echo).
    static let maxMessage = 1 << 20

    static let usage = """
        usage: loadgen --soak --port N --server-pid PID [options]   (bench/README.md, "Soak")
          --connections 10000          WebSocket connections held for the whole run
          --agent-share 0.5            share of them that are agent tabs (0: echo only)
          --tabs-per-user 2            tabs per user (one logs in, the others attach)
          --user-prefix soak           users PREFIX1..PREFIXn with phones PREFIXi-phone
          --agent-password P           their password
          --agent-path /ws --echo-path /echo
          --authorization V            Authorization header of the admin API requests
          --duration 600 --warmup 60   seconds of full load, and the unjudged start of it
          --settle 15                  seconds after every connection has closed
          --sample-interval 5          seconds between samples of the server's RSS and fds
          --echo-interval 2            mean seconds between one echo connection's messages
          --echo-min-size 80 --echo-max-size 4096   echo message sizes (log-uniform)
          --call-interval 30 --talk 3  mean seconds between a user's calls; connected seconds
          --churn 0.005                share of connections closed and reopened per second
          --timeout 10                 seconds for a connect, upgrade, reply, echo or call step
          --setup-timeout 300          seconds for the whole setup
          --connect-concurrency 64 --admin-concurrency 256
          --source-addresses 1         spread connections over 127.0.0.1 ... 127.0.0.K
          --no-deflate                 offer no permessage-deflate (default: Chromium's offer)
          --require-deflate            count a declined offer as an error
          --client-window-bits 15 --client-mem-level 8   the client's compressor
          --series FILE                write the samples as CSV
          --label NAME
          --rss-band 5 --fd-band 2 --returned 90   the verdicts' limits, in percent
        Prints the report and a JSON line; exits 1 when a verdict fails.
        """

    init(arguments: [String]) throws(LoadgenError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "-h", "--help": throw .usage(Self.usage)
            case "--soak": continue
            case "--no-deflate": self.offerDeflate = false; continue
            case "--require-deflate": self.requireDeflate = true; continue
            default: break
            }
            guard let value = rest.popFirst() else { throw .usage("\(flag) needs a value") }
            switch flag {
            case "--host": self.host = value
            case "--port": self.port = try Self.integer(flag, value, 1...65535)
            case "--connections": self.connections = try Self.integer(flag, value, 1...100_000)
            case "--agent-share": self.agentShare = try Self.number(flag, value, 0...1)
            case "--tabs-per-user": self.tabsPerUser = try Self.integer(flag, value, 1...100)
            case "--user-prefix": self.userPrefix = value
            case "--agent-password": self.agentPassword = value
            case "--agent-path": self.agentPath = value
            case "--echo-path": self.echoPath = value
            case "--authorization": self.authorization = value
            case "--server-pid": self.serverPID = Int32(try Self.integer(flag, value, 1...Int(Int32.max)))
            case "--duration": self.duration = try Self.number(flag, value, 1...86_400)
            case "--warmup": self.warmup = try Self.number(flag, value, 0...86_400)
            case "--settle": self.settle = try Self.number(flag, value, 0...3600)
            case "--sample-interval": self.sampleInterval = try Self.number(flag, value, 0.1...600)
            case "--echo-interval": self.echoInterval = try Self.number(flag, value, 0.01...3600)
            case "--echo-min-size": self.echoMinSize = try Self.integer(flag, value, EchoPayload.minimumSize...Self.maxMessage / 2)
            case "--echo-max-size": self.echoMaxSize = try Self.integer(flag, value, EchoPayload.minimumSize...Self.maxMessage / 2)
            case "--call-interval": self.callInterval = try Self.number(flag, value, 0.1...86_400)
            case "--talk": self.talk = try Self.number(flag, value, 0...3600)
            case "--churn": self.churn = try Self.number(flag, value, 0...1)
            case "--timeout": self.timeout = try Self.number(flag, value, 0.1...600)
            case "--setup-timeout": self.setupTimeout = try Self.number(flag, value, 1...86_400)
            case "--connect-concurrency": self.connectConcurrency = try Self.integer(flag, value, 1...10_000)
            case "--admin-concurrency": self.adminConcurrency = try Self.integer(flag, value, 1...1000)
            case "--source-addresses": self.sourceAddresses = try Self.integer(flag, value, 1...254)
            case "--client-window-bits": self.clientWindowBits = try Self.integer(flag, value, 9...15)
            case "--client-mem-level": self.clientMemoryLevel = try Self.integer(flag, value, 1...9)
            case "--series": self.seriesFile = value
            case "--label": self.label = value
            case "--rss-band": self.rssBandPercent = try Self.number(flag, value, 0...100)
            case "--fd-band": self.fdBandPercent = try Self.number(flag, value, 0...100)
            case "--returned": self.returnedPercent = try Self.number(flag, value, 0...100)
            default: throw .usage("unknown flag \(flag)\n\(Self.usage)")
            }
        }
        guard self.port != 0 else { throw .usage("--port is required\n\(Self.usage)") }
        guard self.serverPID != 0 else { throw .usage("--server-pid is required: the soak samples the server's RSS and fds") }
        for path in [self.agentPath, self.echoPath] {
            guard path.hasPrefix("/"), !path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
                throw .usage("paths must start with / and hold no spaces or line breaks: '\(path)'")
            }
        }
        guard self.echoMinSize <= self.echoMaxSize else { throw .usage("--echo-min-size is above --echo-max-size") }
        guard self.warmup < self.duration else { throw .usage("--warmup must be shorter than --duration") }
        if self.tabs > 0 {
            guard !self.agentPassword.isEmpty else { throw .usage("agent tabs need --agent-password") }
            guard self.authorization != nil else { throw .usage("agent tabs need --authorization for the admin API") }
        }
        if let authorization, authorization.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .usage("--authorization must hold no line breaks")
        }
    }

    /// Agent tabs: the agent share of the connections, in whole users.
    var tabs: Int { self.users * self.tabsPerUser }
    var users: Int { Int((Double(self.connections) * self.agentShare).rounded(.down)) / self.tabsPerUser }

    private static func integer(_ flag: String, _ value: String, _ range: ClosedRange<Int>) throws(LoadgenError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw .usage("\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }

    private static func number(_ flag: String, _ value: String, _ range: ClosedRange<Double>) throws(LoadgenError) -> Double {
        guard let number = Double(value), range.contains(number) else {
            throw .usage("\(flag) must be a number in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }
}
