/// The receiving half of a WebSocket endpoint: `FrameDecoder` then `MessageAssembler`.
/// Bytes in, `InboundEvent`s out; pure, so it runs the same on a socket and in a test.
public struct InboundStream {
    public var decoder: FrameDecoder
    public var assembler: MessageAssembler

    public init(role: Role, limits: WebSocketLimits, deflate: PerMessageDeflate? = nil) {
        decoder = FrameDecoder(role: role, maxFramePayload: limits.maxFramePayload, allowsCompressionBit: deflate != nil)
        assembler = MessageAssembler(limits: limits, deflate: deflate)
    }

    /// Whether nothing is partly received: no frame (control frames included) and no fragmented
    /// message. The gateway times what lies between (`limits.messageTimeoutMilliseconds`):
    /// RFC 6455 sets no deadline, and a peer that drips a frame a byte at a time would hold the
    /// connection for ever, since each byte counts as activity.
    public var isAtMessageBoundary: Bool { decoder.isBetweenFrames && assembler.isBetweenMessages }

    /// Frees the buffer of the last fragmented or inflated message, unless a message is in
    /// progress: for an idle connection, which would otherwise keep it (up to 4 KiB) for ever.
    public mutating func releaseIdleMemory() {
        assembler.releaseIdleMemory()
    }

    /// Decodes `bytes` (unmasking in place) and calls `onEvent` for each message and control
    /// frame. Stops when `onEvent` returns false and returns the number of bytes consumed.
    @discardableResult
    public mutating func receive(
        _ bytes: UnsafeMutableRawBufferPointer,
        _ onEvent: (InboundEvent) throws(WebSocketError) -> Bool
    ) throws(WebSocketError) -> Int {
        try decoder.decode(bytes) { chunk throws(WebSocketError) in
            try assembler.assemble(chunk, onEvent)
        }
    }

    /// `receive`, offering each data frame that may be relayed as it is to `relay`, with its payload
    /// still masked, in order with the other events: a whole unfragmented message, received whole,
    /// on a connection without extensions (`FrameRelay.canPassThrough`). `relay` returns nil to
    /// decline (the frame then takes the ordinary path: the receiving side checks its own peer's
    /// extensions), else whether to go on, as `onEvent` does.
    @discardableResult
    public mutating func receive(
        _ bytes: UnsafeMutableRawBufferPointer,
        relay: (FrameHeader, UnsafeRawBufferPointer) throws(WebSocketError) -> Bool?,
        _ onEvent: (InboundEvent) throws(WebSocketError) -> Bool
    ) throws(WebSocketError) -> Int {
        let compressed = assembler.deflate != nil
        return try decoder.decode(bytes, wholeFrame: { header, payload throws(WebSocketError) in
            guard FrameRelay.canPassThrough(header, betweenMessages: assembler.isBetweenMessages, extensionNegotiated: compressed,
                                            maxMessageSize: assembler.limits.maxMessageSize) else { return nil }
            return try relay(header, payload)
        }) { chunk throws(WebSocketError) in
            try assembler.assemble(chunk, onEvent)
        }
    }
}
