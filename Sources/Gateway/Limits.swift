import HTTP1
import WSFraming

/// Every limit the gateway enforces, each a named setting with a cautious default
/// (documented in docs/config.md, key by key). JSON keys are the property names.
struct Limits: Sendable, Equatable {
    /// Largest request head (request line and headers) in bytes; over it: 431. Default 16 KiB.
    var handshakeBytes = 16 * 1024
    /// Longest request line; over it: 414. Default 8 KiB.
    var requestLineBytes = 8 * 1024
    /// Most header fields in one request; over it: 431. Default 100.
    var headerCount = 100
    /// Largest request body the HTTP server accepts; over it: 413. Default 1 MiB.
    var requestBodyBytes = 1 << 20
    /// Largest WebSocket frame payload; over it: close 1009. Default 1 MiB.
    var framePayloadBytes = 1 << 20
    /// Largest WebSocket message; over it: close 1009. Default 1 MiB.
    var messageBytes = 1 << 20
    /// Largest message after permessage-deflate inflation; over it: close 1009. Default 1 MiB.
    var inflatedMessageBytes = 1 << 20
    /// Queued outbound bytes above which the gateway stops reading from that peer. Default 256 KiB.
    var outboundHighWaterBytes = 256 * 1024
    /// Queued outbound bytes at which the connection is failed (close 1008). Default 4 MiB.
    var outboundQueueBytes = 4 << 20
    /// Time to complete a request head (and the upgrade) after connecting or after the previous
    /// response on a keep-alive connection; over it: 408 or a plain close. Default 10 s.
    var handshakeTimeoutMilliseconds = 10_000
    /// Time a WebSocket frame, or a fragmented message, has from its first byte to its last
    /// while the gateway reads; over it: close 1008. Default 30 s (a 1 MiB message at 35 KB/s).
    var messageTimeoutMilliseconds = 30_000
    /// Time without a byte from the peer (whatever the gateway sends it) after which the gateway
    /// sends a ping. Default 10 s: an agent's dead tab must give up its place soon (it rings).
    var idleTimeoutMilliseconds = 10_000
    /// Time without a byte either way after which a connection gives its buffers back (TLS record
    /// buffers, about 34 KiB; output queue and message buffer capacity), checked on the loop's
    /// 250 ms tick. Not a limit: memory of busy connections against an allocation per burst. Default 250 ms.
    var bufferReleaseMilliseconds = 250
    /// Time a ping has to be answered (by any byte) before the connection is dropped. Default 10 s.
    var pongTimeoutMilliseconds = 10_000
    /// Time the peer has to answer our close frame, or to close TCP after the closing handshake. Default 5 s.
    var closeTimeoutMilliseconds = 5_000
    /// Most open connections in the process; over it: 503. Default 10,000.
    var maxConnections = 10_000
    /// Most open connections from one client address; over it: 429; 0 = no cap. Default 1,024.
    var maxConnectionsPerAddress = 1_024
    /// Client addresses whose health checks are answered beyond both caps (`probeConnections`
    /// more): liveness and readiness probes must not fail during a connection flood.
    /// Numeric, as the peer's address is written. Default: loopback.
    var probeAddresses = ["127.0.0.1", "::1"]
    /// Connections from `probeAddresses` admitted beyond the caps, for `/healthz`, `/readyz`
    /// and `/metrics` only (anything else on them: 503). Default 8; 0 = no reserve.
    var probeConnections = 8
    /// Connections closed on a loop after which it gives freed memory back to the system
    /// (`malloc_trim`, `MemoryTrimPolicy`); 0 = never. Default 100.
    var trimAfterCloses = 100

    var http: HTTPLimits {
        HTTPLimits(maxRequestLineBytes: requestLineBytes, maxHeaderBytes: handshakeBytes,
                   maxHeaderCount: headerCount, maxBodyBytes: requestBodyBytes)
    }

    var webSocket: WebSocketLimits {
        WebSocketLimits(maxFramePayload: framePayloadBytes, maxMessageSize: messageBytes, maxInflatedSize: inflatedMessageBytes)
    }
}
