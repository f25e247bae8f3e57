/// The load generator's command line.
struct LoadgenOptions {
    var host = "127.0.0.1"
    var port = 0
    var path = "/"
    var connections = 1
    var size = 64
    /// Messages each connection keeps in flight (pipelined echo); 1 is the closed loop.
    var inFlight = 1
    /// Pipelined: each replacement message leaves in its own write as soon as its echo is
    /// verified, instead of one write per read for all the echoes that read completed.
    var sendEach = false
    var text = false
    var warmup = 3.0
    var duration = 10.0
    var serverPID: Int32?
    var idle = false
    var settle = 3.0
    var probe = false
    /// Longest wait for a connection, a handshake, an echo or the drain at the end.
    var timeout = 5.0
    /// Connections in the TCP connect or handshake stage at once.
    var connectConcurrency = 64
    var label = ""
    /// wss://: TLS through OpenSSL on the same epoll loop (no certificate verification: loopback).
    var tls = false
    /// Handshake mode: `connections` slots each connect, complete TLS and the upgrade, close, repeat.
    var handshakes = false
    /// Handshake mode over TLS: each slot offers the session its previous connection got.
    var resume = false

    /// Fan-out mode (`FanoutGenerator`): every connection waits for an event the trigger makes
    /// the server push to all of them.
    var fanout = false
    var rounds = 20
    var warmupRounds = 3
    var event = "callRinging"
    /// POST target that makes the server push the event (path and query).
    var trigger: String?
    /// `Authorization` header value for the trigger and the hangup.
    var authorization: String?
    /// POST target after each round; `{uniqueid}` is replaced by the trigger response's `uniqueid`.
    var hangup: String?
    var hangupEvent = "callHangup"
    /// Callgate agent sessions: connection 0 logs in as this user, the others attach.
    var agentUser: String?
    var agentPassword: String?
    var agentIdentifier: String?
    /// Source addresses 127.0.0.1 ... 127.0.0.K, round robin over the connections.
    var sourceAddresses = 1
    /// Seconds between rounds.
    var roundPause = 0.1
    /// Fan-out over several servers (a cluster): session i > 0 connects to the i mod K-th of
    /// `--port` and these; session 0 and the trigger use `--port`.
    var spreadPorts: [Int] = []
    /// Processes whose CPU time over the measured rounds is reported too (gateways, Redis).
    var cpuPIDs: [Int32] = []

    static let maxSize = 16 << 20

    static let usage = """
        usage: loadgen --port N [options]
          --host 127.0.0.1     loopback address of the server (127.0.0.0/8 or localhost only)
          --path /             request path of the upgrade
          --connections 1      WebSocket connections, each running closed-loop echo
          --size 64            payload bytes per message
          --in-flight 1        messages each connection keeps in flight (pipelined); the latency
                               of each is from its own send to its own echo; the messages that
                               replace the echoes one read completed leave in one write
          --send-each          with --in-flight: each replacement leaves in its own write
          --text               send text messages (ASCII payload) instead of binary
          --warmup 3           seconds of traffic before the measured window
          --duration 10        seconds in the measured window
          --server-pid PID     read the server's CPU time (/proc/PID/stat) or RSS (/proc/PID/status)
          --idle               open the connections, measure server RSS per connection, close
          --handshakes         --connections slots each connect, complete the (TLS and) WebSocket
                               handshake, close with the close handshake, and start over; reports
                               handshakes/s and server CPU per handshake over --duration
          --resume             with --tls --handshakes: each slot resumes its previous TLS session
          --settle 3           idle mode: seconds between the last handshake and the RSS reading
          --probe              one handshake (retried until --timeout), then close; exit 0 if it worked
          --timeout 5          seconds allowed for a connect, a handshake, an echo, the final drain
          --connect-concurrency 64   connections being set up at once
          --label NAME         name of the server in the output
          --tls                wss://: TLS 1.2+ with SNI localhost and ALPN http/1.1; the server's
                               certificate is not verified (loopback only)
        Fan-out mode (ws only; see bench/README.md, "Fan-out"):
          --fanout             open --connections sessions; per round, POST --trigger and time
                               until every session has received the --event text message
          --trigger TARGET     POST target of the trigger, e.g. /broadcast?size=1300
          --event callRinging  event name awaited per round ("event" member of the JSON text)
          --rounds 20 --warmup-rounds 3   measured rounds, and unreported rounds before them
          --authorization V    Authorization header of the trigger and hangup requests
          --hangup TARGET      POST target after each round ({uniqueid} from the trigger's
                               response); every session must then get --hangup-event
          --hangup-event callHangup
          --agent-user U --agent-password P --agent-identifier ID
                               Callgate agent sessions: session 0 logs in, selects ID and
                               provisions, acks each event; the others attach with its token
          --source-addresses 1 spread the sessions over 127.0.0.1 ... 127.0.0.K
          --round-pause 0.1    seconds between rounds
          --spread-ports P2,P3 a cluster: sessions spread round robin over --port and these
                               (session 0 and the trigger on --port)
          --cpu-pids A,B       also report these processes' CPU time per measured round
        Prints one human-readable line and one JSON line; exits 1 with a message if the server is
        unreachable or misbehaves.
        """

    init(arguments: [String]) throws(LoadgenError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "-h", "--help": throw .usage(Self.usage)
            case "--text": self.text = true; continue
            case "--idle": self.idle = true; continue
            case "--probe": self.probe = true; continue
            case "--send-each": self.sendEach = true; continue
            case "--tls": self.tls = true; continue
            case "--handshakes": self.handshakes = true; continue
            case "--fanout": self.fanout = true; continue
            case "--resume": self.resume = true; continue
            default: break
            }
            guard let value = rest.popFirst() else { throw .usage("\(flag) needs a value") }
            switch flag {
            case "--host": self.host = value
            case "--port": self.port = try Self.integer(flag, value, 1...65535)
            case "--path": self.path = value
            case "--connections": self.connections = try Self.integer(flag, value, 1...100_000)
            case "--size": self.size = try Self.integer(flag, value, 0...Self.maxSize)
            case "--in-flight": self.inFlight = try Self.integer(flag, value, 1...1024)
            case "--warmup": self.warmup = try Self.seconds(flag, value, 0...3600)
            case "--duration": self.duration = try Self.seconds(flag, value, 0...3600)
            case "--server-pid": self.serverPID = Int32(try Self.integer(flag, value, 1...Int(Int32.max)))
            case "--settle": self.settle = try Self.seconds(flag, value, 0...600)
            case "--timeout": self.timeout = try Self.seconds(flag, value, 0.1...600)
            case "--connect-concurrency": self.connectConcurrency = try Self.integer(flag, value, 1...10_000)
            case "--label": self.label = value
            case "--rounds": self.rounds = try Self.integer(flag, value, 1...100_000)
            case "--warmup-rounds": self.warmupRounds = try Self.integer(flag, value, 0...100_000)
            case "--event": self.event = value
            case "--trigger": self.trigger = value
            case "--authorization": self.authorization = value
            case "--hangup": self.hangup = value
            case "--hangup-event": self.hangupEvent = value
            case "--agent-user": self.agentUser = value
            case "--agent-password": self.agentPassword = value
            case "--agent-identifier": self.agentIdentifier = value
            case "--source-addresses": self.sourceAddresses = try Self.integer(flag, value, 1...254)
            case "--round-pause": self.roundPause = try Self.seconds(flag, value, 0...60)
            case "--spread-ports": self.spreadPorts = try value.split(separator: ",").map { port throws(LoadgenError) in try Self.integer(flag, String(port), 1...65535) }
            case "--cpu-pids": self.cpuPIDs = try value.split(separator: ",").map { pid throws(LoadgenError) in Int32(try Self.integer(flag, String(pid), 1...Int(Int32.max))) }
            default: throw .usage("unknown flag \(flag)\n\(Self.usage)")
            }
        }
        guard self.port != 0 else { throw .usage("--port is required\n\(Self.usage)") }
        guard self.path.hasPrefix("/"), !self.path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw .usage("--path must start with / and hold no spaces or line breaks")
        }
        guard [self.idle, self.probe, self.handshakes, self.fanout].filter({ $0 }).count <= 1 else {
            throw .usage("--idle, --probe, --handshakes and --fanout each choose a mode: give one at most")
        }
        if self.fanout {
            guard let trigger = self.trigger, trigger.hasPrefix("/") else { throw .usage("--fanout needs --trigger /PATH?QUERY") }
            guard !self.tls else { throw .usage("--fanout runs over ws only") }
            guard !self.event.isEmpty, !self.hangupEvent.isEmpty else { throw .usage("--event and --hangup-event must not be empty") }
            if self.agentUser != nil {
                guard self.agentPassword != nil, self.agentIdentifier != nil else {
                    throw .usage("--agent-user needs --agent-password and --agent-identifier")
                }
            }
            for target in [self.trigger, self.hangup].compactMap({ $0 }) where target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) {
                throw .usage("--trigger and --hangup must hold no spaces or line breaks: '\(target)'")
            }
            if let authorization = self.authorization, authorization.contains(where: { $0 == "\r" || $0 == "\n" }) {
                throw .usage("--authorization must hold no line breaks")
            }
        } else if self.trigger != nil || self.hangup != nil || self.agentUser != nil || !self.spreadPorts.isEmpty || !self.cpuPIDs.isEmpty {
            throw .usage("--trigger, --hangup, --agent-*, --spread-ports and --cpu-pids go with --fanout")
        }
        if self.idle && self.serverPID == nil { throw .usage("--idle needs --server-pid to read the server's RSS") }
        if self.resume && !(self.tls && self.handshakes) { throw .usage("--resume goes with --tls --handshakes") }
    }

    private static func integer(_ flag: String, _ value: String, _ range: ClosedRange<Int>) throws(LoadgenError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw .usage("\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }

    private static func seconds(_ flag: String, _ value: String, _ range: ClosedRange<Double>) throws(LoadgenError) -> Double {
        guard let number = Double(value), range.contains(number) else {
            throw .usage("\(flag) must be seconds in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }
}
