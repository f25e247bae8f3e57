internal import CZlib

/// The permessage-deflate codec of one connection, RFC 7692 §6 and §7.2: raw DEFLATE over whole
/// messages, with the trailing `00 00 ff ff` of each sync flush stripped on the wire.
///
/// The caller owns RSV1 (§6.1): set it on the first frame of a message sent through `compress`,
/// and route a received message whose first frame has it through `decompress`, frame by frame.
///
/// The zlib streams come from a `DeflateStreamPool` shared by the connections of one thread
/// (see its sharing rule), so between messages a connection holds at most:
/// - the last `1 << compressionWindowBits` bytes it compressed, when our side keeps its context
///   (no `*_no_context_takeover` for our direction), allocated as messages are sent;
/// - the compressed frames of a message still arriving, when the peer resets per message;
/// - a zlib decompressor of its own (about 7 KB plus the peer's window, up to 32 KiB), when the
///   peer keeps its context: its window is what the peer's next message may refer to.
///
/// Not thread-safe: one connection owns it, on the thread that owns the pool.
public final class PerMessageDeflate {
    /// The most bytes one zlib call may write into `output`.
    static let chunkSize = 16 * 1024

    /// RFC 7692 §7.2.2: the empty stored block that the sender stripped from each message.
    private static let syncFlushTail: (UInt8, UInt8, UInt8, UInt8) = (0x00, 0x00, 0xFF, 0xFF)

    /// Our side's LZ77 window (base-2 log), 8 to 15. At 8 nothing is compressed (see `shouldCompress`).
    let compressionWindowBits: Int
    /// The window of our own decompressor, when the peer keeps its context: the peer's agreed
    /// window (RFC 7692 §7.1.2), but at least 9, since zlib before 1.2.9 compresses with 9 when asked for 8.
    let decompressionWindowBits: Int
    /// Our side's `*_no_context_takeover`: each message is compressed on its own.
    let resetsCompressorPerMessage: Bool
    /// The peer's `*_no_context_takeover`: each received message is inflated on its own, with the
    /// pool's decompressor.
    let resetsDecompressorPerMessage: Bool
    private let minimumSizeToCompress: Int
    private let compressionLevel: Int32
    private let memoryLevel: Int32

    private let pool: DeflateStreamPool
    /// This codec's id in the pool (`DeflateStreamPool.Compressor.Holder`).
    private let id: UInt64
    /// Context takeover on our side: the last `1 << compressionWindowBits` bytes of the messages we
    /// compressed, oldest first, which the peer's decompressor holds in its window.
    private var history: [UInt8] = []
    /// The peer keeps its context: our own decompressor, created on first use.
    private var decompressor: ZlibStream?
    /// The peer resets per message: the compressed frames of the message in progress, inflated
    /// when its last frame arrives (the shared decompressor serves one message at a time).
    private var pendingInput: [UInt8] = []
    /// Whether a frame of the message being inflated carried payload bytes.
    private var messageHasPayload = false

    /// Bytes of our compression context kept for the next message (at most `1 << compressionWindowBits`).
    public var historyCount: Int { history.count }
    /// Whether this connection holds a zlib stream of its own (only when the peer keeps its context).
    public var holdsDecompressor: Bool { decompressor != nil }

    /// As server we compress under the `server_*` parameters and inflate what the client compressed
    /// under `client_no_context_takeover`; as client the reverse (RFC 7692 §7.1). Our window is also
    /// capped by `options`: a smaller window than agreed is always readable by the peer.
    ///
    /// `pool` is the thread's shared streams; without one the codec gets a pool of its own.
    public init(
        parameters: PerMessageDeflateParameters,
        role: Role,
        options: PerMessageDeflateOptions,
        pool: DeflateStreamPool = DeflateStreamPool()
    ) {
        let agreedBits: Int
        let ourLimit: Int
        let peerBits: Int
        switch role {
        case .server:
            agreedBits = parameters.serverMaxWindowBits
            peerBits = parameters.clientMaxWindowBits
            ourLimit = options.serverMaxWindowBits
            resetsCompressorPerMessage = parameters.serverNoContextTakeover
            resetsDecompressorPerMessage = parameters.clientNoContextTakeover
        case .client:
            agreedBits = parameters.clientMaxWindowBits
            peerBits = parameters.serverMaxWindowBits
            ourLimit = options.clientMaxWindowBits
            resetsCompressorPerMessage = parameters.clientNoContextTakeover
            resetsDecompressorPerMessage = parameters.serverNoContextTakeover
        }
        compressionWindowBits = PerMessageDeflateOptions.clampedWindowBits(min(agreedBits, ourLimit))
        decompressionWindowBits = max(PerMessageDeflateOptions.clampedWindowBits(peerBits), 9)
        minimumSizeToCompress = max(options.minimumSizeToCompress, 0)
        compressionLevel = Int32(min(max(options.compressionLevel, 1), 9))
        memoryLevel = Int32(min(max(options.memoryLevel, 1), 9))
        self.pool = pool
        id = pool.nextCodecID()
    }

    /// Whether an outgoing message of `messageSize` bytes should be compressed: it is at least
    /// `minimumSizeToCompress` and our agreed window is at least 9 bits. zlib cannot deflate with
    /// an 8-bit window, so then every message goes uncompressed, which RFC 7692 §6 allows.
    public func shouldCompress(messageSize: Int) -> Bool {
        messageSize >= minimumSizeToCompress && compressionWindowBits >= 9
    }

    /// RFC 7692 §7.2.1: compresses a whole message and appends it to `output`, minus the
    /// `00 00 ff ff` that ends the sync flush. Under our no_context_takeover (§7.1.1) the message
    /// is compressed on its own; otherwise it may refer back into the previous messages. An empty
    /// message gives `00` (§7.2.3.6).
    ///
    /// Throws `.zlibInitFailed` when our window is 8 bits (check `shouldCompress` first) or zlib
    /// cannot allocate, `.deflateFailed` if zlib fails mid-stream.
    public func compress(_ message: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(WebSocketError) {
        let shared = try pool.compressor(windowBits: compressionWindowBits, level: compressionLevel, memoryLevel: memoryLevel)
        // RFC 7692 §7.2.3.6: an empty message is one empty stored block, `00` once `00 00 ff ff` is
        // stripped (every message ends byte-aligned). zlib refuses two flushes with no input between.
        if message.isEmpty {
            output.append(0x00)
            return
        }
        let stream = shared.stream.pointer
        let continues = !resetsCompressorPerMessage && shared.holder == .codec(id)
        if !continues {
            if shared.holder != .fresh { shared.stream.reset() }
            // Context takeover after another codec used the stream: our history is exactly what the
            // peer's window holds of our messages (DeflateStreamPool's sharing rule).
            if !resetsCompressorPerMessage && !history.isEmpty {
                let status = history.withUnsafeBytes {
                    deflateSetDictionary(stream, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), UInt32($0.count))
                }
                guard status == Z_OK else {
                    shared.holder = .used
                    throw .deflateFailed
                }
            }
        }
        // Until the message is complete, the stream holds nobody's context.
        shared.holder = .used
        let start = output.count
        var remaining = message
        while true {
            // avail_in is 32 bits; a larger message goes in slices, flushed after the last.
            let sliceCount = min(remaining.count, Int(UInt32.max))
            let isLastSlice = sliceCount == remaining.count
            stream.pointee.next_in = Self.zlibInput(remaining)
            stream.pointee.avail_in = UInt32(sliceCount)
            let flush = isLastSlice ? Z_SYNC_FLUSH : Z_NO_FLUSH
            // Sized so a typical message takes one call, but capped so a compressible message does
            // not leave `output` with a large unused capacity.
            let bound = Int(deflateBound(stream, UInt(sliceCount))) + 8
            repeat {
                let status = Self.callZlib(stream, writingUpTo: min(bound, Self.chunkSize), into: &output) {
                    deflate($0, flush)
                }
                // Z_BUF_ERROR only means no progress was possible; the loop condition ends it.
                guard status == Z_OK || status == Z_BUF_ERROR else { throw .deflateFailed }
            } while stream.pointee.avail_out == 0 // zlib: a flush is complete once output space is left over
            if isLastSlice { break }
            remaining = UnsafeRawBufferPointer(rebasing: remaining[sliceCount...])
        }
        // RFC 7692 §7.2.1: remove the 4 octets 00 00 ff ff from the tail end.
        guard output.count - start >= 4, output[output.count - 4] == 0x00, output[output.count - 3] == 0x00,
              output[output.count - 2] == 0xFF, output[output.count - 1] == 0xFF else {
            throw .deflateFailed
        }
        output.removeLast(4)
        if !resetsCompressorPerMessage {
            shared.holder = .codec(id)
            remember(message)
        }
    }

    /// `compress` into the pool's scratch buffer, which `body` reads (to frame it); nothing is
    /// allocated per message once the scratch has grown to the messages' size.
    public func withCompressed<Result>(
        _ message: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(WebSocketError) -> Result {
        var scratch = pool.scratch
        pool.scratch = []
        scratch.removeAll(keepingCapacity: scratch.capacity <= DeflateStreamPool.scratchKeptBytes)
        defer { pool.scratch = scratch }
        try compress(message, into: &scratch)
        return scratch.withUnsafeBytes(body)
    }

    /// Keeps the last `1 << compressionWindowBits` bytes sent, growing to that size and no further.
    private func remember(_ message: UnsafeRawBufferPointer) {
        let window = 1 << compressionWindowBits
        if message.count >= window {
            history.removeAll(keepingCapacity: true)
            history.append(contentsOf: UnsafeRawBufferPointer(rebasing: message[(message.count - window)...]))
            return
        }
        let excess = history.count + message.count - window
        if excess > 0 { history.removeFirst(excess) }
        let needed = history.count + message.count
        if needed > history.capacity { history.reserveCapacity(min(window, max(needed, history.capacity * 2))) }
        history.append(contentsOf: message)
    }

    /// RFC 7692 §7.2.2: inflates one frame's payload of a compressed message and appends the result
    /// to `output`. On the message's last frame (`isFinal`) the stripped `00 00 ff ff` is inflated
    /// after the payload. A DEFLATE block with BFINAL set (§7.2.3.4) ends zlib's stream; inflation
    /// goes on with a fresh one, so the sender's window before it is not kept.
    ///
    /// Under the peer's no_context_takeover (§7.1.1) every message is inflated on its own with the
    /// pool's shared decompressor, so the frames before the last are kept (compressed) and
    /// inflated with it: the message's output then appears at its last frame. Otherwise each frame
    /// is inflated as it comes, with this connection's own decompressor.
    ///
    /// `limit` bounds `output.count`, so one array filled across a message's frames bounds the whole
    /// message. zlib writes at most `limit - output.count + 1` bytes per call, so `output` never
    /// grows past `limit + 1` (the decompression-bomb guard, docs/style.md §9). The compressed frames kept
    /// meanwhile are bounded by the caller's message size limit.
    ///
    /// Throws `.inflatedMessageTooLarge(limit:)` past the limit, `.inflateFailed` on corrupt data,
    /// including a message that does not end where a DEFLATE block ends (cut short, or sent with its
    /// `00 00 ff ff` left on). A message with no payload bytes at all is taken as empty (§7.2.3.6
    /// says `00`, but nothing is lost by being lenient). After a throw the decompressor state is
    /// undefined: fail the connection.
    public func decompress(
        _ fragment: UnsafeRawBufferPointer,
        isFinal: Bool,
        limit: Int,
        into output: inout [UInt8]
    ) throws(WebSocketError) {
        guard resetsDecompressorPerMessage else {
            if decompressor == nil { decompressor = try ZlibStream.inflater(windowBits: decompressionWindowBits) }
            try inflateFrame(fragment, isFinal: isFinal, decompressor!.pointer, limit: limit, into: &output)
            return
        }
        guard isFinal else {
            pendingInput.append(contentsOf: fragment)
            return
        }
        let stream = try pool.resetInflater().pointer
        messageHasPayload = false
        if pendingInput.isEmpty {
            try inflateFrame(fragment, isFinal: true, stream, limit: limit, into: &output)
            return
        }
        // Released, not kept: an idle connection holds no buffer (fragmented compressed messages are rare).
        var message = pendingInput
        pendingInput = []
        message.append(contentsOf: fragment)
        try message.withBytes { (bytes) throws(WebSocketError) in
            try inflateFrame(bytes, isFinal: true, stream, limit: limit, into: &output)
        }
    }

    private func inflateFrame(
        _ fragment: UnsafeRawBufferPointer,
        isFinal: Bool,
        _ stream: UnsafeMutablePointer<z_stream>,
        limit: Int,
        into output: inout [UInt8]
    ) throws(WebSocketError) {
        if !fragment.isEmpty {
            messageHasPayload = true
            try inflateInput(fragment, stream, flush: Z_SYNC_FLUSH, limit: limit, into: &output)
        }
        guard isFinal else { return }
        if messageHasPayload {
            // RFC 7692 §7.2.2: append 00 00 ff ff to the payload, then inflate. Z_BLOCK makes zlib stop
            // on block boundaries, so we learn whether the message ended on one.
            let endsOnBlockBoundary = try withUnsafeBytes(of: Self.syncFlushTail) { (tail) throws(WebSocketError) in
                try inflateInput(tail, stream, flush: Z_BLOCK, limit: limit, into: &output)
            }
            guard endsOnBlockBoundary else { throw .inflateFailed }
        }
        messageHasPayload = false
    }

    /// Feeds all of `input` to the decompressor, appending what it produces.
    ///
    /// - Returns: whether zlib stopped at the end of a DEFLATE block or stream (meaningful with
    ///   `Z_BLOCK`, which stops there).
    @discardableResult
    private func inflateInput(
        _ input: UnsafeRawBufferPointer,
        _ stream: UnsafeMutablePointer<z_stream>,
        flush: Int32,
        limit: Int,
        into output: inout [UInt8]
    ) throws(WebSocketError) -> Bool {
        var remaining = input
        var streamEnded = false
        while !remaining.isEmpty {
            let sliceCount = min(remaining.count, Int(UInt32.max))
            stream.pointee.next_in = Self.zlibInput(remaining)
            stream.pointee.avail_in = UInt32(sliceCount)
            // A first guess from the input size keeps small messages small; later calls take full chunks.
            var chunk = min(max(sliceCount * 4, 256), Self.chunkSize)
            repeat {
                if streamEnded {
                    // RFC 7692 §7.2.3.4: after a BFINAL block, what follows is a new DEFLATE stream.
                    inflateReset(stream)
                    streamEnded = false
                }
                let room = max(limit, 0) - output.count
                let capacity = room < chunk ? max(room, 0) + 1 : chunk
                let status = Self.callZlib(stream, writingUpTo: capacity, into: &output) { inflate($0, flush) }
                // RFC 7692 §7.2.2 leaves the size to the receiver; past the limit the message is
                // too big (1009). One byte of room more than allowed tells "exactly full" from "over".
                if output.count > limit { throw .inflatedMessageTooLarge(limit: limit) }
                switch status {
                case Z_OK:
                    break
                case Z_STREAM_END:
                    streamEnded = true // zlib has produced all output of the stream
                case Z_BUF_ERROR:
                    // No progress was possible: zlib needs more input or more room (the loop gives room).
                    guard stream.pointee.avail_in == 0 || stream.pointee.avail_out == 0 else { throw .inflateFailed }
                case Z_MEM_ERROR:
                    throw .zlibInitFailed // zlib allocates its window on first use
                default:
                    throw .inflateFailed // Z_DATA_ERROR, or Z_NEED_DICT which raw DEFLATE cannot ask for
                }
                chunk = Self.chunkSize
            } while stream.pointee.avail_in > 0 || (stream.pointee.avail_out == 0 && !streamEnded)
            remaining = UnsafeRawBufferPointer(rebasing: remaining[sliceCount...])
        }
        if streamEnded {
            inflateReset(stream)
            return true
        }
        // zlib.h: data_type has 128 added when inflate() returned right after an end-of-block code.
        return stream.pointee.data_type & 128 != 0
    }

    /// Runs one zlib call that writes at most `capacity` bytes straight into `output`'s spare
    /// capacity (no scratch buffer to copy from, docs/style.md §10), then counts what it wrote.
    private static func callZlib(
        _ stream: UnsafeMutablePointer<z_stream>,
        writingUpTo capacity: Int,
        into output: inout [UInt8],
        _ call: (UnsafeMutablePointer<z_stream>) -> Int32
    ) -> Int32 {
        var status = Z_OK
        output.append(addingCapacity: capacity) { span in
            span.withUnsafeMutableBufferPointer { buffer, initializedCount in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = UInt32(buffer.count)
                status = call(stream)
                initializedCount = buffer.count - Int(stream.pointee.avail_out)
            }
        }
        return status
    }

    /// zlib's `next_in` is not const, but zlib never writes through it.
    private static func zlibInput(_ input: UnsafeRawBufferPointer) -> UnsafeMutablePointer<Bytef>? {
        UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    }
}

/// One connection owns a codec; its zlib state must not be shared between threads.
@available(*, unavailable)
extension PerMessageDeflate: Sendable {}
