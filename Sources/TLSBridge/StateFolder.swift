internal import Glibc

/// The few file operations the self-signed certificate needs, on Glibc directly.
enum StateFolder {
    /// Creates `path` and missing parents, owner-only (0700) for the folders it creates.
    static func create(_ path: String) throws(TLSError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw systemError("mkdir(\(prefix))")
            }
            prefix += "/"
        }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Permission bits of `path`.
    static func mode(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    /// Writes `bytes` to a temporary file with `mode` and renames it over `path`, so a reader
    /// sees the old file or the whole new one, never a half-written key.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(TLSError) {
        let temporary = "\(path).tmp\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw systemError("open(\(temporary))") }
        var failure: TLSError?
        if fchmod(fd, mode) != 0 { failure = systemError("fchmod(\(temporary))") }
        var offset = 0
        while failure == nil && offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = systemError("write(\(temporary))")
            } else {
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = systemError("fsync(\(temporary))") }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = systemError("rename(\(temporary), \(path))") }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    static func systemError(_ operation: String) -> TLSError {
        TLSError(kind: .file, operation: operation, reasons: [String(cString: strerror(errno))])
    }
}
