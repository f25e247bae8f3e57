/// What a WebSocket endpoint receives once frames are assembled into messages. Payloads are
/// valid only during the callback that receives them.
public enum InboundEvent {
    /// A complete text message, already validated as UTF-8 (RFC 6455 §8.1).
    case text(UnsafeRawBufferPointer)
    /// A complete binary message.
    case binary(UnsafeRawBufferPointer)
    /// A ping; RFC 6455 §5.5.2 says to answer with a pong carrying the same payload.
    case ping(UnsafeRawBufferPointer)
    /// A pong (solicited or not, §5.5.3).
    case pong(UnsafeRawBufferPointer)
    /// A valid close frame (§5.5.1). Nothing after it is decoded.
    case close(ClosePayload)
}
