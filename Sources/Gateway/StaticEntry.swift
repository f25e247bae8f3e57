import Glibc
import HTTP1
import StaticContent

/// One static file as served: its bytes (plain, and gzip when that is smaller), their entity
/// tags, its media type and modification date, and the file version they were read from.
/// Immutable; shared by every loop through `StaticFiles`' cache.
struct StaticEntry: Sendable {
    /// The bytes of one representation (RFC 9110 §3.2) and the strong tag that names them.
    struct Representation: Sendable {
        let body: [UInt8]
        let entityTag: EntityTag
    }

    let version: FileVersion
    /// The canonical path it was read from (a symlink retargeted elsewhere is a new file).
    let resolvedPath: String
    let mediaType: MediaType
    let identity: Representation
    /// Present for compressible types when gzip came out smaller.
    let gzip: Representation?
    /// The file's mtime, or the time it was read if the mtime lies in the future (RFC 9110
    /// §8.8.2.1: Last-Modified is never later than the response's Date).
    let lastModified: HTTPDate

    /// Memory it holds in the cache.
    var cachedBytes: Int { identity.body.count + (gzip?.body.count ?? 0) }
}

/// What tells one content of a file from the next without reading it: device, inode, size and
/// mtime to the nanosecond. A file replaced by rename gets a new inode; one rewritten in place
/// gets a new mtime or size.
struct FileVersion: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
