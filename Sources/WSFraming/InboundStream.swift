/// The receiving half of a WebSocket endpoint: `FrameDecoder` then `MessageAssembler`.
/// Bytes in, `InboundEvent`s out; pure, so it runs the same on a socket and in a test.
public struct InboundStream {
    public var decoder: FrameDecoder
    public var assembler: MessageAssembler

    public init(role: Role, limits: WebSocketLimits, deflate: PerMessageDeflate? = nil) {
        decoder = FrameDecoder(role: role, maxFramePayload: limits.maxFramePayload, allowsCompressionBit: deflate != nil)
        assembler = MessageAssembler(limits: limits, deflate: deflate)
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
}
