/// The zlib streams that the permessage-deflate codecs of one thread share (RFC 7692 §7.2), so
/// that a connection holds no zlib state between messages: at most one compressor per window size
/// and one decompressor, each created on first use. The gateway gives each event loop one pool;
/// a codec made without one gets a private pool, which is the classic stream per connection.
///
/// The sharing rule (docs/config.md, `permessageDeflate`):
/// - A message is compressed or inflated from start to end within one call, so two codecs never
///   interleave on a stream.
/// - Without context takeover (RFC 7692 §7.1.1) a codec starts from a reset stream.
/// - With context takeover a codec keeps, as its only per-connection state, the last
///   `1 << windowBits` bytes it compressed (`PerMessageDeflate.historyCount`). When the shared
///   compressor last served another codec, it is reset and primed with that history
///   (`deflateSetDictionary`), so every back-reference stays within what the peer's
///   decompressor holds: the peer's window is at least ours (§7.1.2.1), and it has seen exactly
///   those bytes. When the compressor last served the same codec, it simply goes on.
/// - Inflation is shared only when the peer resets its context per message (§7.1.1); a peer
///   that keeps its context needs its own window, so its codec has its own decompressor.
///
/// Not thread-safe: one thread (one event loop) owns a pool and every codec using it.
public final class DeflateStreamPool {
    /// A shared compressor and whose context it holds.
    final class Compressor {
        enum Holder: Equatable {
            /// Just created or reset: no context.
            case fresh
            /// A message without context takeover, or a failed one, went through: reset before use.
            case used
            /// The context of the codec with this id, after its last message.
            case codec(UInt64)
        }

        let windowBits: Int
        let level: Int32
        let memoryLevel: Int32
        let stream: ZlibStream
        var holder = Holder.fresh

        init(windowBits: Int, level: Int32, memoryLevel: Int32) throws(WebSocketError) {
            self.windowBits = windowBits
            self.level = level
            self.memoryLevel = memoryLevel
            stream = try ZlibStream.deflater(windowBits: windowBits, level: level, memoryLevel: memoryLevel)
        }
    }

    private var compressors: [Compressor] = []
    private var sharedInflater: ZlibStream?
    private var lastCodecID: UInt64 = 0
    /// Output of the message being compressed (`PerMessageDeflate.withCompressed`), kept between
    /// messages up to `scratchKeptBytes`.
    var scratch: [UInt8] = []
    static let scratchKeptBytes = 64 * 1024

    public init() {}

    /// How many zlib streams the pool holds.
    public var streamCount: Int { compressors.count + (sharedInflater == nil ? 0 : 1) }

    /// A new codec's id, never reused while the pool lives (so a stale `Holder.codec` cannot match).
    func nextCodecID() -> UInt64 {
        lastCodecID += 1
        return lastCodecID
    }

    func compressor(windowBits: Int, level: Int32, memoryLevel: Int32) throws(WebSocketError) -> Compressor {
        if let found = compressors.first(where: {
            $0.windowBits == windowBits && $0.level == level && $0.memoryLevel == memoryLevel
        }) {
            return found
        }
        let created = try Compressor(windowBits: windowBits, level: level, memoryLevel: memoryLevel)
        compressors.append(created)
        return created
    }

    /// The shared decompressor, reset: the caller inflates one whole message with it.
    func resetInflater() throws(WebSocketError) -> ZlibStream {
        if let sharedInflater {
            sharedInflater.reset()
            return sharedInflater
        }
        let created = try ZlibStream.inflater()
        sharedInflater = created
        return created
    }
}

/// One thread owns a pool; its zlib state must not be shared between threads.
@available(*, unavailable)
extension DeflateStreamPool: Sendable {}
