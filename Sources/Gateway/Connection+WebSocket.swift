import Glibc
import CLinux
import WSFraming

/// The WebSocket phase: RFC 6455 §5 frames through WSFraming's `InboundStream`, the close
/// handshake of §7 through `CloseHandshake`, and the echo application.
extension Connection {
    func startWebSocket(deflate: PerMessageDeflate?, limits: WebSocketLimits? = nil) {
        phase = .webSocket
        inbound = InboundStream(role: role, limits: limits ?? context.webSocketLimits, deflate: deflate)
        encoder = MessageEncoder(role: role, deflate: deflate)
        loop.metrics.add(.upgrades)
        loop.metrics.openWebSockets += 1
        application?.opened(self)
    }

    func processWebSocket(_ bytes: UnsafeMutableRawBufferPointer) {
        do {
            let consumed = application?.relayPeer(of: self) == nil
                ? try inbound!.receive(bytes) { event throws(WebSocketError) in try handle(event) }
                : try inbound!.receive(bytes, relay: { header, payload throws(WebSocketError) in try relay(header, payload) }) {
                    event throws(WebSocketError) in try handle(event)
                }
            // Stopped after a message because reading was paused: keep the rest, still masked.
            if consumed < bytes.count && phase == .webSocket && closeHandshake.canSendData && !isReadable {
                heldInput.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
            }
        } catch {
            fail(error)
            return
        }
        // A frame or message left incomplete starts the deadline, unless an earlier one runs.
        if let inbound, inbound.isAtMessageBoundary {
            messageStartedAt = nil
        } else if messageStartedAt == nil {
            messageStartedAt = loop.now
        }
    }

    /// `limits.messageTimeoutMilliseconds`: a frame or fragmented message must arrive whole in
    /// that time after its first byte, or the connection is failed with 1008 (a peer dripping a
    /// byte a second would otherwise hold it for ever: every byte counts as activity). The
    /// time runs only while the gateway reads; after backpressure it starts again. After our
    /// close frame, `closeTimeoutMilliseconds` rules instead.
    func checkMessageDeadline(now: UInt64) {
        guard let started = messageStartedAt, closeSentAt == nil else { return }
        if !isReadable {
            messageStartedAt = now
            return
        }
        let limit = context.limits.messageTimeoutMilliseconds
        guard now - started >= UInt64(limit) else { return }
        messageStartedAt = nil
        loop.metrics.add(.messageTimeouts)
        fail(.messageTimeout(milliseconds: limit))
        // No read brought this on: write the close frame now, not with the peer's next byte.
        flush()
    }

    /// Performs what one inbound event asks for; returns false to stop decoding (after a close).
    private func handle(_ event: InboundEvent) throws(WebSocketError) -> Bool {
        switch event {
        case .text(let payload):
            loop.metrics.add(.messagesReceived)
            messageStartedAt = nil
            if closeHandshake.canSendData { try application?.received(self, text: payload) }
            return isReadable
        case .binary(let payload):
            loop.metrics.add(.messagesReceived)
            messageStartedAt = nil
            if closeHandshake.canSendData { try application?.received(self, binary: payload) }
            return isReadable
        case .ping(let payload):
            // §5.5.2: answer with a pong carrying the same application data.
            if closeHandshake.canSendData { try send(.pong, payload) }
        case .pong:
            // The answer to our liveness ping (`limits.idleTimeoutMilliseconds`): the connection
            // is idle again, so its TLS buffers go back as soon as the output is flushed.
            releaseTLSWhenFlushed = tls != nil
        case .close(let payload):
            loop.metrics.closeReceived(code: payload.code?.rawValue)
            peerCloseCode = payload.code
            let action = closeHandshake.receivedClose(payload)
            application?.peerClosing(self, payload: payload)
            switch action {
            case .reply(let reply):
                writeClose(reply)
                finishAfterFlush = true
            case .closeConnection:
                finishAfterFlush = true
            case .ignore:
                break
            }
            return false
        }
        return true
    }

    /// Queues one message; fails the connection when the queue passes its hard limit. After our
    /// close frame nothing more is sent (RFC 6455 §5.5.1).
    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) throws(WebSocketError) {
        _ = try send(opcode, payload, sessionLimit: .max)
    }

    /// `send` within a route session's own bound (`sessionQueueBytes`, which the configuration
    /// keeps at or below `limits.outboundQueueBytes`), checked first and on the same count: past
    /// it the message stays queued, nothing else happens, and false tells the caller to close
    /// with its own code (4008). So the connection's 1008 can never fire first.
    func send(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer, sessionLimit: Int) throws(WebSocketError) -> Bool {
        guard closeHandshake.canSendData, encoder != nil else { return true }
        try encoder!.encode(opcode, payload, maskKey: nextMaskKey(), into: &outbound.bytes)
        if opcode == .text || opcode == .binary { loop.metrics.add(.messagesSent) }
        if queuedBytes > sessionLimit { return false }
        checkQueueLimit()
        return true
    }

    /// After a message was queued: past `limits.outboundQueueBytes` the connection closes with
    /// 1008, below it backpressure applies.
    func checkQueueLimit() {
        if queuedBytes > context.limits.outboundQueueBytes {
            loop.metrics.add(.outboundOverflows)
            Log.warning("outbound_queue_overflow", ["peer": peerHost, "queued": "\(queuedBytes)"])
            startClose(ClosePayload(code: .policyViolation, reason: "outbound queue overflow"))
        } else {
            checkBackpressure()
        }
    }

    func sendPing() {
        guard phase == .webSocket, closeHandshake.canSendData else { return }
        pingSentAt = loop.now
        FrameEncoder.encode(opcode: .ping, payload: UnsafeRawBufferPointer(start: nil, count: 0), maskKey: nextMaskKey(), into: &outbound.bytes)
        flush()
    }

    /// Starts the closing handshake from our side (§7.1.2) and waits for the peer's close.
    func startClose(_ payload: ClosePayload) {
        guard phase == .webSocket, closeHandshake.sendClose() == .send else { return }
        writeClose(payload)
        closeSentAt = loop.now
    }

    /// §7.1.7: fail the WebSocket connection: send the close code for `error`, then close.
    /// The decoder cannot be trusted past the error, so further input is discarded.
    private func fail(_ error: WebSocketError) {
        let code = CloseCode(error)
        loop.metrics.protocolError("\(error)".prefix(while: { $0 != "(" }).description)
        Log.info("websocket_failed", ["peer": peerHost, "code": "\(code)", "error": "\(error)"])
        if closeHandshake.sendClose() == .send { writeClose(ClosePayload(code: code)) }
        finishAfterFlush = true
        phase = .draining
        phaseStarted = loop.now
    }

    private func writeClose(_ payload: ClosePayload) {
        sentCloseCode = payload.code
        if let code = payload.code { loop.metrics.closeSent(code: code.rawValue) }
        FrameEncoder.encodeClose(payload, maskKey: nextMaskKey(), into: &outbound.bytes)
    }

    /// RFC 6455 §5.3: a client picks a fresh, unpredictable masking key for every frame; a
    /// server masks nothing.
    @inline(__always)
    func nextMaskKey() -> UInt32? {
        guard role == .client else { return nil }
        return loop.maskKeys.key()
    }
}
