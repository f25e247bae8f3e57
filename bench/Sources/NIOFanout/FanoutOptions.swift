/// Command line of `nio-fanout`: `--host 127.0.0.1 --port N --threads N`.
struct FanoutOptions: Sendable {
    var host = "127.0.0.1"
    var port = 0
    var threads = 2

    static let usage = """
        usage: nio-fanout --port N [--host 127.0.0.1] [--threads 2]
          A SwiftNIO WebSocket fan-out server: every request path upgrades, and every upgraded
          connection joins one group. POST /broadcast?size=N (no body) writes one text message of
          N bytes to every member (one writeAndFlush per connection, on the connection's own event
          loop) and answers 201 with {"connections":K,"seq":S}. The message is
          {"event":"broadcast","seq":S,"data":{"pad":"xxx…"}}, padded to N bytes (or the bare
          skeleton if N is smaller). GET /healthz answers 200. Pings are answered and the close
          handshake is completed; other messages from clients are ignored.
        """

    init(arguments: [String]) throws(FanoutOptionsError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "-h" || flag == "--help" { throw .help }
            guard let value = rest.popFirst() else { throw .invalid("\(flag) needs a value") }
            switch flag {
            case "--host": self.host = value
            case "--port": self.port = try Self.integer(flag, value, in: 1...65535)
            case "--threads": self.threads = try Self.integer(flag, value, in: 1...256)
            default: throw .invalid("unknown flag \(flag)")
            }
        }
        guard self.port != 0 else { throw .invalid("--port is required") }
    }

    private static func integer(_ flag: String, _ value: String, in range: ClosedRange<Int>) throws(FanoutOptionsError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw .invalid("\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }
}

enum FanoutOptionsError: Error {
    case help
    case invalid(String)
}
