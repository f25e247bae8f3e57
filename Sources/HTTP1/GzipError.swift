/// Why `Gzip.compress` failed: both mean zlib ran out of memory, and the caller sends the file
/// uncompressed.
public enum GzipError: Error, Hashable, Sendable {
    /// zlib could not set up a stream.
    case zlibInitFailed
    /// zlib failed mid-stream.
    case deflateFailed
}
