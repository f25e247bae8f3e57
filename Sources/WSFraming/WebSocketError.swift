/// Every way an incoming WebSocket byte stream can break RFC 6455 or RFC 7692 (or a configured
/// limit). `CloseCode.init(_:)` maps each case to the status code sent in the closing frame.
public enum WebSocketError: Error, Hashable, Sendable {
    /// RFC 6455 §5.2: RSV1–3 must be 0 unless an extension defines them.
    case reservedBitsSet
    /// RFC 6455 §5.2: an opcode of 0x3–0x7 or 0xB–0xF.
    case reservedOpcode(UInt8)
    /// RFC 6455 §5.5: control frames carry at most 125 bytes of payload.
    case controlFrameTooLong
    /// RFC 6455 §5.5: control frames must not be fragmented.
    case fragmentedControlFrame
    /// RFC 6455 §5.1: a server must close the connection on an unmasked client frame.
    case maskMissing
    /// RFC 6455 §5.1: a client must close the connection on a masked server frame.
    case maskUnexpected
    /// RFC 6455 §5.2: the minimal number of bytes must be used to encode the length.
    case lengthNotMinimal
    /// RFC 6455 §5.2: the most significant bit of a 64-bit length must be 0.
    case lengthMostSignificantBitSet
    /// RFC 6455 §5.4: a continuation frame with no message in progress.
    case unexpectedContinuation
    /// RFC 6455 §5.4: a new data frame while a fragmented message is in progress.
    case expectedContinuation
    /// RFC 6455 §5.5.1: a close body of 1 byte (a code is 2 bytes).
    case invalidClosePayloadLength
    /// RFC 6455 §7.4: a close code that must not appear on the wire.
    case invalidCloseCode(UInt16)
    /// RFC 6455 §5.6 and §8.1: text (and close reasons) must be valid UTF-8.
    case invalidUTF8
    /// RFC 7692 §6.1: RSV1 ("Per-Message Compressed") on a control frame.
    case compressedControlFrame
    /// RFC 7692 §6.1: RSV1 on a continuation frame (it belongs on the first frame only).
    case compressedContinuation
    /// A frame payload above the configured `maxFramePayload` limit.
    case frameTooLarge(limit: Int)
    /// A message above the configured `maxMessageSize` limit.
    case messageTooLarge(limit: Int)
    /// RFC 7692 §7.2.2: inflation produced more than the configured `maxInflatedSize`.
    case inflatedMessageTooLarge(limit: Int)
    /// A frame or fragmented message not completed within the configured time after its first
    /// byte arrived (`limits.messageTimeoutMilliseconds`). WSFraming keeps no clock: the gateway
    /// raises it (`InboundStream.isAtMessageBoundary` tells it what is in progress).
    case messageTimeout(milliseconds: Int)
    /// zlib reported corrupt deflate data.
    case inflateFailed
    /// zlib failed to compress (out of memory, stream error).
    case deflateFailed
    /// zlib could not set up a stream.
    case zlibInitFailed
}
