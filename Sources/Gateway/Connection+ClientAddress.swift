import ProxyProtocol
import HTTP1
import WSFraming

/// What a connection on a PROXY protocol listener waits for before its first byte of TLS or
/// HTTP (docs/config.md, `proxy`).
struct ProxyHeaderWait {
    let mode: ProxyProtocolMode
    /// Whether the TCP peer is a trusted proxy: it must send a header, and no one else may.
    let peerIsTrusted: Bool
    /// The first bytes, while they are a header's prefix (at most 107 bytes for v1, 16 + 65535 for v2).
    var received: [UInt8] = []
}

/// The real client address behind a load balancer: the source of a PROXY protocol header
/// (HAProxy `doc/proxy-protocol.txt`), or per request the client that a trusted proxy's
/// `Forwarded` (RFC 7239) or `X-Forwarded-For` names. Either replaces `peerHost`, the address
/// every later check and log uses, and moves the connection's place in the per-address cap.
extension Connection {
    func awaitProxyHeader(_ mode: ProxyProtocolMode) {
        proxyHeaderWait = ProxyHeaderWait(mode: mode, peerIsTrusted: context.trustedProxies.contains(host: connectionHost))
    }

    /// The connection's first bytes on a PROXY listener: the header is read and removed, or the
    /// connection refused (`ProxyProtocolMode.admit`); what follows the header goes on to TLS
    /// or HTTP.
    func receiveProxyHeader(_ bytes: UnsafeMutableRawBufferPointer) {
        guard var wait = proxyHeaderWait else { return }
        let admission: ProxyProtocolMode.Admission
        if wait.received.isEmpty {
            admission = wait.mode.admit(UnsafeRawBufferPointer(bytes), peerIsTrusted: wait.peerIsTrusted)
        } else {
            wait.received.append(contentsOf: bytes)
            admission = wait.received.withUnsafeBytes { wait.mode.admit($0, peerIsTrusted: wait.peerIsTrusted) }
        }
        switch admission {
        case .needMore:
            if wait.received.isEmpty { wait.received.append(contentsOf: bytes) }
            proxyHeaderWait = wait
        case .refuse(let refusal):
            loop.metrics.proxyHeader(refusal.label)
            Log.info("proxy_header_refused", ["peer": connectionHost, "reason": refusal.description])
            terminate(reason: nil)
        case .proceed(let client, let headerLength):
            proxyHeaderWait = nil
            if headerLength > 0 { loop.metrics.proxyHeader("accepted") }
            if let client {
                guard adoptConnectionClient("\(client)") else { return }
            }
            if wait.received.isEmpty {
                let rest = UnsafeMutableRawBufferPointer(rebasing: bytes[headerLength...])
                if !rest.isEmpty { receive(rest) }
            } else {
                var rest = Array(wait.received[headerLength...])
                if !rest.isEmpty { rest.withUnsafeMutableBytes { receive($0) } }
            }
        }
    }

    /// A PROXY header named the client: it becomes the connection's address, capped as any
    /// client is; over its cap the connection gets the listener's 429 and is closed.
    private func adoptConnectionClient(_ host: String) -> Bool {
        guard moveLimiterPlace(to: host) else {
            Listener.refuse(fd, host: host, status: 429, counter: .connectionsRejectedPerAddress, reason: "per_address", metrics: loop.metrics)
            terminate(reason: nil)
            return false
        }
        Log.debug("proxy_header_accepted", ["proxy": connectionHost, "peer": host])
        connectionHost = host
        peerHost = host
        return true
    }

    /// Before each request: `peerHost` is the connection's client, or, on a request from a
    /// trusted proxy that carries `Forwarded` or `X-Forwarded-For` (and `proxy.forwardedHeaders`),
    /// the client those name (`ForwardedFor.client`): an address, or `unknown` when a trusted
    /// proxy could not name it. False when that client is over its connection cap (answered 429).
    func adoptForwardedClient(_ head: HTTPRequestHead) -> Bool {
        peerHost = connectionHost
        guard context.config.proxy.forwardedHeaders, context.trustedProxies.contains(host: connectionHost),
              let proxy = IPAddress(connectionHost) else { return true }
        let hops = ForwardedFor.hops(forwarded: head.headers.values(for: "Forwarded"),
                                     xForwardedFor: head.headers.values(for: "X-Forwarded-For"))
        guard !hops.isEmpty else { return true }
        let client = ForwardedFor.client(peer: proxy, hops: hops, trusted: context.trustedProxies)
        peerHost = "\(client)"
        guard case .address = client else {
            loop.metrics.forwardedClient("unknown")
            return true
        }
        loop.metrics.forwardedClient("address")
        guard moveLimiterPlace(to: peerHost) else {
            loop.metrics.add(.connectionsRejectedPerAddress)
            Log.warning("connection_refused", ["peer": peerHost, "status": "429", "reason": "per_address"])
            respond(status: 429, body: "connection limit reached (per_address)\n", keepAlive: false, extraHeaders: [("Retry-After", "5")])
            return false
        }
        return true
    }

    /// Counts this connection under `host` from now on; a trusted proxy's address is not capped.
    /// A place on the probe reserve is counted under no address, and stays where it is.
    private func moveLimiterPlace(to host: String) -> Bool {
        guard !forProbes else { return true }
        guard context.limiter.move(from: limiterHost, to: host, checkPerAddress: !context.trustedProxies.contains(host: host)) else {
            return false
        }
        limiterHost = host
        return true
    }
}
