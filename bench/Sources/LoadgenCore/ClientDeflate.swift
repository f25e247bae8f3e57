import CZlibBench

/// The client side of permessage-deflate (RFC 7692 §7.2) for one connection, over zlib's raw
/// DEFLATE: a compressor for what the client sends and a decompressor for what the server sends,
/// each keeping its LZ77 window across messages unless the negotiation said otherwise (§7.1.1).
///
/// Each stream is set up on first use, as a browser's would be. The compressor uses the
/// `compressionWindowBits` and `memoryLevel` given (at most the negotiated `client_max_window_bits`;
/// RFC 7692 §7.1.2.2 lets a client use a smaller window than it is allowed); Chromium uses the
/// negotiated window and memLevel 8. The decompressor always has a 15-bit window, which reads
/// whatever the server's `server_max_window_bits` allows.
public final class ClientDeflate {
    public let parameters: DeflateParameters
    private let compressionWindowBits: Int32
    private let memoryLevel: Int32
    private var compressor: UnsafeMutablePointer<z_stream>?
    private var decompressor: UnsafeMutablePointer<z_stream>?

    /// §7.2.1: the four bytes a sync flush ends with, removed from each compressed message and put
    /// back before decompressing one (§7.2.2).
    static let tail: (UInt8, UInt8, UInt8, UInt8) = (0x00, 0x00, 0xFF, 0xFF)

    public enum Failure: Error, Equatable, Sendable {
        /// The output does not fit in the space given.
        case outputTooSmall
        /// zlib refused the input or failed (its code and message).
        case zlib(Int32, String)
    }

    public init(parameters: DeflateParameters, compressionWindowBits: Int = 15, memoryLevel: Int = 8) {
        self.parameters = parameters
        // zlib's raw deflate cannot use an 8-bit window (it would silently use 9, which a peer
        // that asked for 8 could not read): then every message goes uncompressed (§6 allows it).
        self.compressionWindowBits = Int32(min(compressionWindowBits, parameters.clientMaxWindowBits))
        self.memoryLevel = Int32(memoryLevel)
    }

    deinit {
        if let compressor {
            deflateEnd(compressor)
            compressor.deallocate()
        }
        if let decompressor {
            inflateEnd(decompressor)
            decompressor.deallocate()
        }
    }

    /// Whether messages can be compressed at all with the negotiated client window.
    public var canCompress: Bool { self.compressionWindowBits >= 9 }

    /// RFC 7692 §7.2.1: compresses one message into `output` and returns the payload length: the
    /// DEFLATE blocks up to a sync flush, without its final `00 00 FF FF`.
    public func compress(_ message: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int) throws(Failure) -> Int {
        let stream = try self.compressorStream()
        stream.pointee.next_in = UnsafeMutablePointer(mutating: message.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(message.count)
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        // Z_SYNC_FLUSH ends on a byte boundary with an empty stored block (§7.2.1); when the output
        // is full before that, avail_out is 0 and the message does not fit.
        let status = deflate(stream, Z_SYNC_FLUSH)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        guard status == Z_OK || status == Z_BUF_ERROR else { throw .zlib(status, Self.message(stream)) }
        guard stream.pointee.avail_in == 0, stream.pointee.avail_out > 0 else {
            deflateReset(stream)
            throw .outputTooSmall
        }
        let written = capacity - Int(stream.pointee.avail_out)
        guard written >= 4, output.loadUnaligned(fromByteOffset: written - 4, as: UInt32.self) == UInt32(bigEndian: 0x0000_FFFF) else {
            throw .zlib(Z_STREAM_ERROR, "the sync flush did not end in 00 00 FF FF")
        }
        // §7.1.1.2: with client_no_context_takeover the next message starts from an empty window.
        if self.parameters.clientNoContextTakeover { deflateReset(stream) }
        return written - 4
    }

    /// RFC 7692 §7.2.2: decompresses one message's payload (its frames' payloads joined) into
    /// `output` and returns the message's length.
    public func decompress(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int) throws(Failure) -> Int {
        let stream = try self.decompressorStream()
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        var ended = false
        try Self.inflate(stream, payload, ended: &ended)
        if !ended {
            // §7.2.2: append 00 00 FF FF, then decompress that too.
            try withUnsafeBytes(of: Self.tail) { tail throws(Failure) in try Self.inflate(stream, tail, ended: &ended) }
        }
        let written = capacity - Int(stream.pointee.avail_out)
        // A message that ended its DEFLATE stream (BFINAL, §7.2.3.5), or a server without context
        // takeover (§7.1.1.1): the next message starts from an empty window.
        if ended || self.parameters.serverNoContextTakeover { inflateReset(stream) }
        return written
    }

    private static func inflate(_ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer, ended: inout Bool) throws(Failure) {
        guard input.count > 0, !ended else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while stream.pointee.avail_in > 0 {
            let status = CZlibBench.inflate(stream, Z_SYNC_FLUSH)
            switch status {
            case Z_OK:
                if stream.pointee.avail_out == 0 && stream.pointee.avail_in > 0 { throw .outputTooSmall }
            case Z_STREAM_END:
                ended = true
                return
            case Z_BUF_ERROR:
                throw stream.pointee.avail_out == 0 ? .outputTooSmall : .zlib(status, "no progress")
            default:
                throw .zlib(status, Self.message(stream))
            }
        }
    }

    private func compressorStream() throws(Failure) -> UnsafeMutablePointer<z_stream> {
        if let compressor { return compressor }
        guard self.canCompress else { throw .zlib(Z_STREAM_ERROR, "no compression with an 8-bit window") }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Negative windowBits: raw DEFLATE, no zlib header or trailer (RFC 7692 §7.2.1).
        let status = CZlibBench_deflateInit2(stream, Z_DEFAULT_COMPRESSION, -self.compressionWindowBits, self.memoryLevel)
        guard status == Z_OK else {
            stream.deallocate()
            throw .zlib(status, "deflateInit2")
        }
        self.compressor = stream
        return stream
    }

    private func decompressorStream() throws(Failure) -> UnsafeMutablePointer<z_stream> {
        if let decompressor { return decompressor }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = CZlibBench_inflateInit2(stream, -15)
        guard status == Z_OK else {
            stream.deallocate()
            throw .zlib(status, "inflateInit2")
        }
        self.decompressor = stream
        return stream
    }

    private static func message(_ stream: UnsafeMutablePointer<z_stream>) -> String {
        stream.pointee.msg.map { String(cString: $0) } ?? "no message"
    }
}
