/// Everything that makes a run fail. Each case prints as one line saying what went wrong where.
enum LoadgenError: Error, CustomStringConvertible {
    case usage(String)
    /// Nothing accepted the TCP connection (refused, or no answer within the timeout).
    case unreachable(String)
    /// The server answered the upgrade with something other than a valid 101.
    case handshake(connection: Int, String)
    /// The server broke the protocol or echoed something other than what was sent.
    case protocolViolation(connection: Int, String)
    /// TLS failed: OpenSSL's error queue, on a connection or (nil) while setting up.
    case tls(connection: Int?, String)
    /// A system call failed.
    case system(String, errno: Int32)
    /// Something did not happen within the timeout.
    case timeout(String)
    /// /proc could not be read for the server process.
    case proc(String)

    var description: String {
        switch self {
        case .usage(let message): return message
        case .unreachable(let message): return "server unreachable: \(message)"
        case .handshake(let connection, let message): return "handshake failed on connection \(connection): \(message)"
        case .protocolViolation(let connection, let message): return "server misbehaved on connection \(connection): \(message)"
        case .tls(let connection?, let message): return "TLS failed on connection \(connection): \(message)"
        case .tls(nil, let message): return "TLS setup failed: \(message)"
        case .system(let call, let errno): return "\(call) failed: \(SystemErrno.describe(errno))"
        case .timeout(let message): return "timed out: \(message)"
        case .proc(let message): return message
        }
    }
}
