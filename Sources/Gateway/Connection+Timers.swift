import Glibc
import CLinux

/// The connection's timers, run by its loop's tick (`TimedHandler`): the opening handshake's
/// deadline, the liveness ping and its pong deadline, the message deadline, the close timeout of
/// a draining connection, and the release of a quiet connection's buffers (docs/config.md
/// `limits`).
extension Connection {
    /// What `tick` gives back from a quiet connection (agent bars mostly are).
    func releaseIdleMemory() {
        if let tls {
            guard tls.isHandshakeComplete else { return }
            tls.releaseIdleMemory()
        }
        outbound.releaseIfEmpty()
        sealed.releaseIfEmpty()
        inbound?.releaseIdleMemory()
        usedSinceRelease = false
    }

    func tick(now: UInt64) {
        let limits = context.limits
        // A quiet connection gives its buffers back: TLS record and BIO buffers (about 34 KiB),
        // the output queues' and the last inflated message's capacity. A busy one keeps them, so
        // that no message of a burst pays for their allocation (`limits.bufferReleaseMilliseconds`).
        if usedSinceRelease, now - lastActivity >= UInt64(limits.bufferReleaseMilliseconds) {
            releaseIdleMemory()
        }
        switch phase {
        case .connecting, .clientHandshake:
            if now - phaseStarted >= UInt64(handshakeTimeoutMilliseconds) {
                loop.metrics.add(.handshakeTimeouts)
                handshakeFailure = .timedOut
                terminate(reason: "opening handshake timed out")
            }
        case .upgrading:
            // The back end's own handshake deadline (the route's connectTimeoutMilliseconds)
            // answers this request.
            break
        case .http:
            if now - phaseStarted >= UInt64(handshakeTimeoutMilliseconds) {
                loop.metrics.add(.handshakeTimeouts)
                Log.info("handshake_timeout", ["peer": peerHost])
                if headBuffer.isEmpty {
                    terminate(reason: nil)
                } else {
                    respond(status: 408, body: "request head not completed in time\n", keepAlive: false)
                    flush()
                }
            }
        case .webSocket:
            application?.tick(self, now: now)
            if isClosed { return }
            checkMessageDeadline(now: now)
            if phase != .webSocket { return }
            if let closeSentAt {
                if now - closeSentAt >= UInt64(limits.closeTimeoutMilliseconds) {
                    loop.metrics.add(.closeTimeouts)
                    Log.info("close_timeout", ["peer": peerHost])
                    terminate(reason: "peer did not answer the close frame in time")
                }
            } else if let pingSentAt {
                if now - pingSentAt >= UInt64(limits.pongTimeoutMilliseconds), !sentUnreadInput(now: now) {
                    loop.metrics.add(.idleTimeouts)
                    Log.info("idle_timeout", ["peer": peerHost])
                    terminate(reason: "no answer to ping")
                }
            } else if now - lastReceived >= UInt64(limits.idleTimeoutMilliseconds), !sentUnreadInput(now: now) {
                // Alive is what the peer sends, never what we write to it: the kernel accepts our
                // writes to a peer that vanished without a FIN (a black-holed network) until its
                // buffers fill.
                sendPing()
            }
        case .draining:
            if now - phaseStarted >= UInt64(limits.closeTimeoutMilliseconds) {
                loop.metrics.add(.closeTimeouts)
                Log.info("close_timeout", ["peer": peerHost])
                terminate(reason: nil)
            }
        }
    }

    /// Whether the peer sent bytes we have not taken yet (held back, or still in the socket's
    /// receive buffer while reading is stopped): then it is alive, and its timers start again.
    func sentUnreadInput(now: UInt64) -> Bool {
        guard !heldInput.isEmpty || (!isReadable && callgate_unread_bytes(fd) > 0) else { return false }
        lastReceived = now
        pingSentAt = nil
        return true
    }
}
