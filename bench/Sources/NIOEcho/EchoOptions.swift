/// Command line of `nio-echo`:
/// `--host 127.0.0.1 --port N --threads N [--max-message BYTES] [--tls --cert FILE --key FILE]`.
struct EchoOptions: Sendable {
    var host = "127.0.0.1"
    var port = 0
    var threads = 1
    /// Largest frame and largest reassembled message accepted; bigger ones are closed with 1009.
    var maxMessage = 1 << 20
    /// wss: NIOSSL in front of the same pipeline, with this PEM certificate chain and private key.
    var tls = false
    var certificateFile: String?
    var keyFile: String?

    static let usage = """
        usage: nio-echo --port N [--host 127.0.0.1] [--threads 1] [--max-message 1048576]
                        [--tls --cert FILE --key FILE]
          A SwiftNIO WebSocket echo server: every request path upgrades; text and binary messages
          are echoed back whole (fragments are reassembled first), pings are answered, and the
          close handshake is completed. GET /healthz without an upgrade answers 200.
          --tls serves wss (and https) instead, through NIOSSL: TLS 1.2 and 1.3, ALPN http/1.1,
          the PEM certificate chain in --cert and the PEM private key in --key.
        """

    init(arguments: [String]) throws(EchoOptionsError) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            switch flag {
            case "-h", "--help": throw .help
            case "--tls": self.tls = true; continue
            default: break
            }
            guard let value = rest.popFirst() else { throw .invalid("\(flag) needs a value") }
            switch flag {
            case "--host": self.host = value
            case "--port": self.port = try Self.integer(flag, value, in: 1...65535)
            case "--threads": self.threads = try Self.integer(flag, value, in: 1...256)
            case "--max-message": self.maxMessage = try Self.integer(flag, value, in: 126...Int(UInt32.max))
            case "--cert": self.certificateFile = value
            case "--key": self.keyFile = value
            default: throw .invalid("unknown flag \(flag)")
            }
        }
        guard self.port != 0 else { throw .invalid("--port is required") }
        if self.tls {
            guard self.certificateFile != nil, self.keyFile != nil else { throw .invalid("--tls needs --cert FILE and --key FILE") }
        } else if self.certificateFile != nil || self.keyFile != nil {
            throw .invalid("--cert and --key only go with --tls")
        }
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
