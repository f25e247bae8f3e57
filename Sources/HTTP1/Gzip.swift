internal import CZlib

/// One-shot gzip (RFC 1952) of a whole buffer, for static files sent with
/// `Content-Encoding: gzip` (RFC 9110 §8.4.1.3). zlib writes the 10-byte header (no name, no
/// time stamp: the same input always gives the same bytes), the DEFLATE data and the CRC-32 and
/// length trailer when `deflateInit2` gets windowBits 15 + 16.
///
/// Not streaming: the caller has the whole input and gets the whole output, sized up front by
/// `deflateBound`, so it is never resized. Stateless and thread-safe (each call owns its stream).
public enum Gzip {
    /// windowBits 15 (32 KiB window) plus 16: zlib wraps the stream in gzip's header and trailer.
    static let gzipWindowBits: Int32 = 15 + 16

    /// The gzip member holding `input`, compressed at zlib `level` 1–9 (clamped).
    ///
    /// Throws `.zlibInitFailed` when zlib cannot allocate its state, `.deflateFailed` if it
    /// fails mid-stream; both mean the memory ran out.
    public static func compress(_ input: [UInt8], level: Int = 6) throws(GzipError) -> [UInt8] {
        // Heap-allocated: zlib keeps a pointer back to its z_stream and checks it on every call,
        // and a Swift `inout` may pass a temporary copy's address.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream()) // zalloc, zfree and opaque nil: zlib's allocator
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        let clampedLevel = Int32(min(max(level, 1), 9))
        guard CZlib_deflateInit2(stream, clampedLevel, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw .zlibInitFailed
        }
        defer { deflateEnd(stream) }
        let bound = Int(deflateBound(stream, UInt(input.count)))
        var failed = false
        let output = input.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: bound) { buffer, initializedCount in
                initializedCount = 0
                failed = !deflateAll(stream, from: source, into: buffer, written: &initializedCount)
            }
        }
        guard !failed else { throw .deflateFailed }
        return output
    }

    /// Feeds `source` in slices `avail_in` can count (32 bits), finishing after the last.
    /// True once zlib reports the end of the stream.
    private static func deflateAll(
        _ stream: UnsafeMutablePointer<z_stream>,
        from source: UnsafeRawBufferPointer,
        into buffer: UnsafeMutableBufferPointer<UInt8>,
        written: inout Int
    ) -> Bool {
        var remaining = source
        while true {
            let sliceCount = min(remaining.count, Int(UInt32.max))
            let isLastSlice = sliceCount == remaining.count
            // zlib's next_in is not const, but zlib never writes through it.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: remaining.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(sliceCount)
            stream.pointee.next_out = buffer.baseAddress.map { $0 + written }
            stream.pointee.avail_out = UInt32(clamping: buffer.count - written)
            let before = stream.pointee.avail_out
            let status = deflate(stream, isLastSlice ? Z_FINISH : Z_NO_FLUSH)
            written += Int(before - stream.pointee.avail_out)
            if isLastSlice { return status == Z_STREAM_END }
            // deflateBound covers the whole output, so a slice never runs out of room.
            guard status == Z_OK, stream.pointee.avail_in == 0 else { return false }
            remaining = UnsafeRawBufferPointer(rebasing: remaining[sliceCount...])
        }
    }
}
