import Glibc
import CLinux

/// The bytes a connection still has to write, with backpressure (docs/style.md §9).
///
/// Writes made while the loop handles one read are gathered here and leave in one system call
/// (corking). `pending` above the high-water mark pauses reading from that peer until the queue
/// drains below half of it; above the hard limit the connection is failed.
struct OutboundQueue {
    var bytes: [UInt8] = []
    private var offset = 0

    var pending: Int { bytes.count - offset }
    var isEmpty: Bool { offset == bytes.count }

    /// Hands every queued byte to `body` (a TLS engine that takes them all) and empties the queue.
    mutating func consumeAll(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        bytes.removeAll(keepingCapacity: bytes.capacity <= 16 * 1024)
        offset = 0
    }

    /// Frees the buffer once nothing is queued (an idle connection).
    mutating func releaseIfEmpty() {
        guard isEmpty, bytes.capacity > 0 else { return }
        bytes = []
        offset = 0
    }

    enum FlushResult { case drained, wouldBlock, failed(Int32) }

    /// Writes as much as the socket takes.
    mutating func flush(to fd: Int32) -> (result: FlushResult, written: Int) {
        var written = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                offset += count
                written += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return (.wouldBlock, written)
            } else {
                return (.failed(count == 0 ? EPIPE : errno), written)
            }
        }
        // Keep a small buffer for the next messages; give a large one back (idle connections stay small).
        bytes.removeAll(keepingCapacity: bytes.capacity <= 16 * 1024)
        offset = 0
        return (.drained, written)
    }
}
