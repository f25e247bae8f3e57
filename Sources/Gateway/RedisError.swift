import Glibc
import RedisProtocol
import TLSBridge

/// Why a Redis command got no answer, or the server's refusal: one case per failure, so a
/// caller can tell "Redis is down" from "Redis said no" (docs/cluster.md §2).
enum RedisError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing listens at the address (ECONNREFUSED).
    case connectionRefused
    /// The TCP connect failed otherwise (no route, reset, …): the errno.
    case connectFailed(Int32)
    /// The server closed the connection, or a read or write failed, while this command waited:
    /// `midReply` when part of a reply had arrived.
    case connectionLost(midReply: Bool)
    /// No reply within the timeout (connect: `redis.connectTimeoutMilliseconds`, command:
    /// `redis.commandTimeoutMilliseconds`). A command timeout also closes the connection, since
    /// a late reply would be taken for the next command's; the commands behind it fail with
    /// `connectionLost`.
    case timeout(milliseconds: Int)
    /// The server answered with an error reply (`-ERR …`, `-WRONGTYPE …`, `-NOSCRIPT …`).
    case server(RESPErrorReply)
    /// The server's `AUTH`, `HELLO` or `SELECT` was refused at connect (`-WRONGPASS …`): the
    /// connection is closed and retried with backoff.
    case handshakeRefused(RESPErrorReply)
    /// The server's bytes are not RESP, or over `RESPLimits`: the connection is closed.
    case protocolError(RESPError)
    /// A reply arrived with no command waiting for it: the connection is closed.
    case unexpectedReply
    case tls(TLSError)
    /// The client is between connections (backoff after a failure): fails at once rather than
    /// queueing behind a server that is down. Carries the failure that started the wait.
    indirect case unavailable(RedisError)
    /// More than `redis.maxPendingCommands` commands waiting.
    case overloaded(limit: Int)
    /// The host name did not resolve at start.
    case unresolved(String)
    /// The client was stopped.
    case stopped

    var description: String {
        switch self {
        case .connectionRefused: "connection refused"
        case .connectFailed(let code): "connect: \(String(cString: strerror(code)))"
        case .connectionLost(let midReply): midReply ? "connection closed in the middle of a reply" : "connection closed"
        case .timeout(let milliseconds): "no reply within \(milliseconds) ms"
        case .server(let reply): "server error: \(reply.message)"
        case .handshakeRefused(let reply): "refused at connect: \(reply.message)"
        case .protocolError(let error): "protocol error: \(error)"
        case .unexpectedReply: "a reply with no command waiting"
        case .tls(let error): "\(error)"
        case .unavailable(let cause): "unavailable (\(cause))"
        case .overloaded(let limit): "more than \(limit) commands waiting"
        case .unresolved(let host): "\(host) did not resolve"
        case .stopped: "client stopped"
        }
    }

    /// A short label for `callgate_redis_errors_total{kind=…}`.
    var kind: String {
        switch self {
        case .connectionRefused, .connectFailed, .unresolved: "connect"
        case .connectionLost: "closed"
        case .timeout: "timeout"
        case .server: "server"
        case .handshakeRefused: "handshake"
        case .protocolError, .unexpectedReply: "protocol"
        case .tls: "tls"
        case .unavailable: "unavailable"
        case .overloaded: "overloaded"
        case .stopped: "stopped"
        }
    }

    static func == (a: RedisError, b: RedisError) -> Bool { a.description == b.description }
}
