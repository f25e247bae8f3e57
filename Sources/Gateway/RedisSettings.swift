import Foundation
import RedisProtocol
import TLSBridge

/// How to reach one Redis server and how patient to be with it (docs/cluster.md §2.1). Every
/// limit is named here with its default.
struct RedisSettings: Sendable {
    var host = "127.0.0.1"
    var port: UInt16 = 6379
    /// `AUTH username password` (Redis 6 ACL); nil username sends `AUTH password` (the
    /// `default` user). Nil password: no `AUTH`.
    var username: String?
    var password: String?
    /// `SELECT` this database after connecting, unless 0. Default 0.
    var database = 0
    /// Send `HELLO 3` and speak RESP3 (pub/sub then arrives as push messages). Default false:
    /// RESP2, which every Redis since 2.0 speaks.
    var resp3 = false
    /// TLS to Redis (`rediss://`): how the server's certificate is checked. Nil: plain TCP.
    var tls: TLSClientConfiguration?
    /// The name the certificate must carry (and SNI), when it is not `host`.
    var tlsServerName: String?
    /// `CLIENT SETNAME`, so `CLIENT LIST` on the server shows which connection is whose. Default
    /// `callgate`.
    var clientName = "callgate"
    /// TCP connect, TLS and the `HELLO`/`AUTH`/`SELECT` replies together. Default 2 s.
    var connectTimeoutMilliseconds = 2_000
    /// From sending a command to its reply. Default 2 s.
    var commandTimeoutMilliseconds = 2_000
    /// Commands sent and not answered yet, plus those waiting for a connection; more fail with
    /// `RedisError.overloaded`. Default 100,000.
    var maxPendingCommands = 100_000
    /// Reconnect delays: full jitter over `base × 2^attempt`, at most `cap` (`Backoff`).
    /// Defaults 100 ms and 5 s.
    var reconnectBaseMilliseconds = 100
    var reconnectCapMilliseconds = 5_000
    /// A subscriber connection quiet this long sends `PING`; no byte within
    /// `commandTimeoutMilliseconds` after it is a lost connection. Default 10 s.
    var subscriberPingMilliseconds = 10_000
    /// What one reply may hold (`RESPLimits`: 16 MiB strings, 64 KiB lines, depth 16, 1 Mi values).
    var replyLimits = RESPLimits()

    struct URLError: Error, CustomStringConvertible {
        var description: String
    }

    /// `redis://[[username]:password@]host[:port][/database]`, or `rediss://…` for TLS with full
    /// certificate verification against the system's CAs (IANA's `redis` and `rediss` schemes).
    init(url text: String) throws(URLError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme, scheme == "redis" || scheme == "rediss" else {
            throw URLError(description: "\(text): expected redis://… or rediss://…")
        }
        guard let host = url.host, !host.isEmpty else { throw URLError(description: "\(text): no host") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if let port = url.port {
            guard let value = UInt16(exactly: port), value > 0 else { throw URLError(description: "\(text): bad port") }
            self.port = value
        }
        if let user = url.user, !user.isEmpty { username = user }
        password = url.password
        let path = url.path.drop(while: { $0 == "/" })
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else { throw URLError(description: "\(text): the path must be a database number") }
            self.database = database
        }
        if scheme == "rediss" { tls = TLSClientConfiguration(alpnProtocols: []) }
    }

    init() {}
}
