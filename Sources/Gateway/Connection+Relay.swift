import WSFraming

/// The pipe hop's fast path (docs/architecture.md §3.3): a whole, unfragmented data frame from
/// this connection's peer goes into the relay peer's queue with one copy, re-masked for the peer's
/// role (`FrameRelay`), instead of being unmasked, handed up as a message and encoded again. Only
/// when neither side negotiated an extension; control frames, fragments and frames split across
/// reads take the ordinary path, which is unchanged (RFC 6455 conformance lives there).
extension Connection {
    /// A frame `InboundStream` offers; nil sends it the ordinary way. Counted, timed and checked as
    /// `handle` does a message: after our close frame it is dropped (RFC 6455 §5.5.1).
    func relay(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer) throws(WebSocketError) -> Bool? {
        guard let peer = application?.relayPeer(of: self), peer.takesFramesAsTheyAre else { return nil }
        loop.metrics.add(.messagesReceived)
        messageStartedAt = nil
        if closeHandshake.canSendData { try peer.forward(header.opcode, payload, maskedWith: header.maskKey) }
        return isReadable
    }

    /// Open, not closing, and without an extension (RFC 7692): a frame means on the wire what it means.
    var takesFramesAsTheyAre: Bool {
        !isClosed && phase == .webSocket && closeHandshake.canSendData && encoder != nil && encoder!.deflate == nil
    }

    /// Queues a relayed frame whose payload is masked with `inboundKey` (or not) for this
    /// connection's peer, with a fresh key of our own when we are the client (§5.3). Invalid text
    /// throws `.invalidUTF8` (1007) before anything is queued, failing the connection it came from.
    private func forward(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer, maskedWith inboundKey: UInt32?) throws(WebSocketError) {
        try FrameRelay.append(opcode: opcode, payload: payload, inboundKey: inboundKey, outboundKey: nextMaskKey(),
                              into: &outbound.bytes)
        loop.metrics.add(.messagesSent)
        checkQueueLimit()
        deferFlush()
    }
}
