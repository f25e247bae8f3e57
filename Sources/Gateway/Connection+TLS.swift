import Glibc
import TLSBridge
import WSFraming

/// TLS under the HTTP and WebSocket phases: ciphertext from the socket goes into the
/// `TLSEngine`, plaintext from it into `process`; plaintext queued in `outbound` is sealed into
/// `sealed` on every flush (docs/style.md §3: the engine never sees the socket).
extension Connection {
    /// Feeds ciphertext to the engine, completes the handshake, and processes what decrypts
    /// (`TLSEngine.pump`, shared with `ActionURLClient`).
    func receiveSealed(_ ciphertext: UnsafeMutableRawBufferPointer, _ tls: TLSEngine) {
        // The loop's receive buffer is reused for plaintext: the pump copies the ciphertext into
        // the engine first.
        let result = tls.pump(ciphertext: UnsafeRawBufferPointer(ciphertext), into: loop.receiveBuffer,
                              handshakeCompleted: { handshakeCompleted(tls); return true },
                              deliver: { process($0); return !isClosed })
        switch result {
        case .wantRead, .stopped:
            return
        case .handshakeFailed(let error):
            loop.metrics.add(.tlsHandshakeFailures)
            Log.info("tls_handshake_failed", ["peer": peerHost, "error": "\(error)"])
            if role == .client { handshakeFailure = .refused("TLS handshake failed: \(error)") }
            // Send the alert OpenSSL queued, then close.
            tls.takeCiphertext(into: &sealed.bytes)
            _ = sealed.flush(to: fd)
            terminate(reason: nil)
        case .closed:
            // RFC 8446 §6.1: close_notify; no more data will come.
            peerClosedInput()
        case .failed(let error):
            Log.info("tls_failed", ["peer": peerHost, "error": "\(error)"])
            terminate(reason: nil)
        }
    }

    private func handshakeCompleted(_ tls: TLSEngine) {
        loop.metrics.add(.tlsHandshakes)
        if tls.sessionReused { loop.metrics.add(.tlsResumptions) }
        switch role {
        case .server:
            // The request head's deadline keeps running from the TCP connect: it includes the
            // TLS handshake (docs/config.md `handshakeTimeoutMilliseconds`), so a client that
            // drips its handshake cannot double it.
            loop.tlsHandshakesInFlight -= 1
        case .client:
            // The upgrade request waited in `outbound` for the handshake.
            break
        }
    }

    /// Moves queued plaintext into the engine (once the handshake is done) and the engine's
    /// ciphertext into `sealed`.
    func sealOutbound(_ tls: TLSEngine) {
        if tls.isHandshakeComplete && !outbound.isEmpty {
            outbound.consumeAll { bytes in
                if let error = tls.writeAll(UnsafeRawBufferPointer(bytes)) {
                    Log.info("tls_write_failed", ["peer": peerHost, "error": "\(error)"])
                }
            }
        }
        tls.takeCiphertext(into: &sealed.bytes)
    }

    /// Queues close_notify (RFC 8446 §6.1) and writes it before the TCP half-close.
    func sendCloseNotify(_ tls: TLSEngine) {
        tls.shutdown()
        tls.takeCiphertext(into: &sealed.bytes)
        _ = sealed.flush(to: fd)
    }
}
