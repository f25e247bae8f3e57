/// What this endpoint is willing to negotiate for permessage-deflate (RFC 7692 §7.1) and how it
/// compresses (§7.2.1). Negotiation turns these into `PerMessageDeflateParameters`; the codec
/// reads both.
///
/// Out-of-range values are clamped where they are used, not rejected: window bits to 8...15,
/// `compressionLevel` and `memoryLevel` to 1...9, a negative `minimumSizeToCompress` to 0.
public struct PerMessageDeflateOptions: Hashable, Sendable {
    /// RFC 7692 §7.1.2.1. As server: the largest LZ77 window (base-2 log) we compress with; below 15
    /// we announce it in the response. With context takeover it is also what each connection keeps
    /// of the messages it sent (`1 << bits` bytes, `PerMessageDeflate.historyCount`). As client: the
    /// limit we request in the offer (15: request none). Default 12 (4 KiB: an agent event refers
    /// back to the one before it).
    public var serverMaxWindowBits: Int
    /// RFC 7692 §7.1.2.2. As server: the window we ask the client to compress with, when its offer
    /// carries `client_max_window_bits` (15: no limit). As client: the window we offer to compress
    /// with (15: offer the parameter without a value). Default 15.
    public var clientMaxWindowBits: Int
    /// RFC 7692 §7.1.1.1. As server: always add `server_no_context_takeover`, resetting our
    /// compressor after each message. As client: request it (negotiation fails if the server does
    /// not agree). Default false.
    public var serverNoContextTakeover: Bool
    /// RFC 7692 §7.1.1.2. As server: add `client_no_context_takeover` (allowed unasked), telling the
    /// client to reset its compressor after each message, so that its messages are inflated with the
    /// loop's shared decompressor and the connection keeps no window of its own. As client:
    /// announce that we reset ours. Default true.
    public var clientNoContextTakeover: Bool
    /// Outgoing messages smaller than this many bytes go out uncompressed, RSV1 clear (RFC 7692
    /// §6: compression is per message). Default 64.
    public var minimumSizeToCompress: Int
    /// zlib compression level, 1 (fastest) to 9 (smallest). Default 6, zlib's own default.
    public var compressionLevel: Int
    /// zlib `memLevel`, 1 to 9: the shared compressor's hash table and block buffer (memory per
    /// loop, not per connection) against speed and ratio. Default 8.
    public var memoryLevel: Int

    public init(
        serverMaxWindowBits: Int = 12,
        clientMaxWindowBits: Int = 15,
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = true,
        minimumSizeToCompress: Int = 64,
        compressionLevel: Int = 6,
        memoryLevel: Int = 8
    ) {
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.minimumSizeToCompress = minimumSizeToCompress
        self.compressionLevel = compressionLevel
        self.memoryLevel = memoryLevel
    }
}

extension PerMessageDeflateOptions {
    /// RFC 7692 §7.1.2: window bits are 8 to 15.
    static func clampedWindowBits(_ bits: Int) -> Int { min(max(bits, 8), 15) }
}
