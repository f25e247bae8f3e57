/// The size limits of one WebSocket connection (docs/style.md §9). Each is checked before the bytes it
/// guards are buffered; a violation closes the connection with 1009 (RFC 6455 §7.4.1).
public struct WebSocketLimits: Hashable, Sendable {
    /// Largest payload of a single frame. Default 1 MiB.
    public var maxFramePayload: Int
    /// Largest message, summed over its fragments (compressed size for compressed messages).
    /// Default 1 MiB.
    public var maxMessageSize: Int
    /// Largest message after permessage-deflate inflation (RFC 7692 §8.2's decompression bomb
    /// guard). Default 1 MiB.
    public var maxInflatedSize: Int

    public init(maxFramePayload: Int = 1 << 20, maxMessageSize: Int = 1 << 20, maxInflatedSize: Int = 1 << 20) {
        self.maxFramePayload = maxFramePayload
        self.maxMessageSize = maxMessageSize
        self.maxInflatedSize = maxInflatedSize
    }
}
