/// Command line of `nio-echo`: `--host 127.0.0.1 --port N --threads N [--max-message BYTES]`.
struct EchoOptions: Sendable {
    var host = "127.0.0.1"
    var port = 0
    var threads = 1
    /// Largest frame and largest reassembled message accepted; bigger ones are closed with 1009.
    var maxMessage = 1 << 20

    static let usage = """
        usage: nio-echo --port N [--host 127.0.0.1] [--threads 1] [--max-message 1048576]
          A SwiftNIO WebSocket echo server: every request path upgrades; text and binary messages
          are echoed back whole (fragments are reassembled first), pings are answered, and the
          close handshake is completed. GET /healthz without an upgrade answers 200.
        """

    init(arguments: [String]) throws(EchoOptionsError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "-h" || flag == "--help" { throw .help }
            guard let value = rest.popFirst() else { throw .invalid("\(flag) needs a value") }
            switch flag {
            case "--host": self.host = value
            case "--port": self.port = try Self.integer(flag, value, in: 1...65535)
            case "--threads": self.threads = try Self.integer(flag, value, in: 1...256)
            case "--max-message": self.maxMessage = try Self.integer(flag, value, in: 126...Int(UInt32.max))
            default: throw .invalid("unknown flag \(flag)")
            }
        }
        guard self.port != 0 else { throw .invalid("--port is required") }
    }

    private static func integer(_ flag: String, _ value: String, in range: ClosedRange<Int>) throws(EchoOptionsError) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw .invalid("\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
        }
        return number
    }
}

enum EchoOptionsError: Error {
    case help
    case invalid(String)
}
