internal import CZlib

/// One zlib stream for raw DEFLATE (RFC 7692 §7.2.1: no zlib header or trailer), freed with its
/// owner. Heap-allocated because zlib keeps a pointer back to its `z_stream` and checks it on
/// every call. zlib's own allocator; zlib.h gives the memory it takes: a deflate stream
/// `(1 << (windowBits + 2)) + (1 << (memLevel + 9))` bytes plus about 6 KB of state, an inflate
/// stream about 7 KB of state plus a `1 << windowBits` window, allocated on its first use.
final class ZlibStream {
    enum Kind { case deflate, inflate }

    let pointer: UnsafeMutablePointer<z_stream>
    let kind: Kind

    private init(_ kind: Kind, _ initialize: (UnsafeMutablePointer<z_stream>) -> Int32) throws(WebSocketError) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream()) // zalloc, zfree and opaque nil: zlib's allocator
        guard initialize(stream) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .zlibInitFailed
        }
        pointer = stream
        self.kind = kind
    }

    /// A compressor. zlib 1.2.9+ rejects raw windowBits 8 (it would silently use 9, which a peer
    /// that agreed to 8 cannot read), so `windowBits` is 9 to 15.
    static func deflater(windowBits: Int, level: Int32, memoryLevel: Int32) throws(WebSocketError) -> ZlibStream {
        guard (9...15).contains(windowBits) else { throw .zlibInitFailed }
        // Negative windowBits: raw DEFLATE (RFC 7692 §7.2.1).
        return try ZlibStream(.deflate) {
            CZlib_deflateInit2($0, level, Z_DEFLATED, -Int32(windowBits), memoryLevel, Z_DEFAULT_STRATEGY)
        }
    }

    /// A decompressor for a peer that compresses with a window of at most `windowBits` (RFC 7692
    /// §7.1.2); 15 reads anything. Raw DEFLATE, like `deflater`.
    static func inflater(windowBits: Int = 15) throws(WebSocketError) -> ZlibStream {
        guard (8...15).contains(windowBits) else { throw .zlibInitFailed }
        return try ZlibStream(.inflate) { CZlib_inflateInit2($0, -Int32(windowBits)) }
    }

    /// Back to the state of a fresh stream, keeping the memory (zlib's `deflateReset`/`inflateReset`).
    func reset() {
        switch kind {
        case .deflate: deflateReset(pointer)
        case .inflate: inflateReset(pointer)
        }
    }

    deinit {
        switch kind {
        case .deflate: deflateEnd(pointer)
        case .inflate: inflateEnd(pointer)
        }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
