import Glibc
import StaticContent
import Synchronization
import TLSBridge
import HTTP1
import WSFraming

/// What a static request comes to; `StaticFileEndpoint` turns it into a response.
enum StaticLookup {
    case found(StaticEntry)
    /// A directory named without its trailing slash: 301 to the path with one.
    case directory
    /// Nothing there, no index in a directory, or no folder: a plain 404.
    case notFound
    /// 404 (or 400), logged and counted by reason.
    case refused(StaticRefusal)
}

/// The folder of static files (`static.folder`): finds the file a `StaticPath` names, refuses
/// what must not be served, and keeps what it read in a cache shared by every loop.
///
/// Each request costs a `realpath` and a `stat`; the file is read (and gzipped, and hashed for
/// its ETag) only when its `FileVersion` differs from the cached one, on the loop that asked.
/// A file is served when its canonical path lies inside the folder's and has no component
/// starting with `.` below it, so a symlink may point anywhere inside the folder and nowhere
/// else. Not guarded: a component replaced by a symlink between the `realpath` and the `open`
/// (only someone who can write to the folder could do that; the last component is opened with
/// `O_NOFOLLOW`).
final class StaticFiles: Sendable {
    let settings: StaticSettings
    /// The folder's canonical path, resolved once at start; nil when static files are disabled
    /// or the folder did not exist then (every static request is a 404 until a restart).
    let root: String?
    private let cache: Mutex<StaticFileCache>
    /// zlib level of the gzip variants: they are made once per file version, so spend the CPU.
    static let gzipLevel = 9

    init(settings: StaticSettings, currentDirectory: String) {
        self.settings = settings
        cache = Mutex(StaticFileCache(capacityBytes: settings.cacheBytes))
        guard settings.enabled else {
            root = nil
            return
        }
        let folder = settings.folder.hasPrefix("/") ? settings.folder : currentDirectory + "/" + settings.folder
        var info = stat()
        if let canonical = Self.canonicalPath(folder), stat(canonical, &info) == 0, Self.isDirectory(info) {
            root = canonical
        } else {
            root = nil
            Log.warning("static_folder_missing", ["folder": folder])
        }
    }

    /// The process's current directory (relative folders are resolved against it at start).
    static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "." }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// Finds and, when needed, reads the file `path` names. `now` bounds Last-Modified.
    func lookup(_ path: StaticPath, now: HTTPDate) -> StaticLookup {
        guard let root else { return .notFound }
        let key = path.relativePath
        // The common case: the path still reaches the very file (device, inode, size, mtime)
        // that was resolved, checked to be inside the folder and cached. One stat, no realpath.
        var current = stat()
        if stat(root + "/" + key, &current) == 0,
           let cached = cache.withLock({ $0.entry(for: key) }), cached.version == FileVersion(current) {
            return .found(cached)
        }
        guard let resolved = Self.canonicalPath(root + "/" + key) else {
            forget(key)
            return .notFound
        }
        guard let below = Self.path(resolved, below: root) else { return .refused(.outsideFolder) }
        if below.utf8.split(separator: UInt8(ascii: "/")).contains(where: { $0.first == UInt8(ascii: ".") }) {
            return .refused(.dotfile)
        }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return .notFound }
        if Self.isDirectory(info) { return path.namesDirectory ? .notFound : .directory }
        guard Self.isRegularFile(info) else { return .refused(.notRegularFile) }
        guard Int(info.st_size) <= settings.maxFileBytes else { return .refused(.tooLarge) }
        if let cached = cache.withLock({ $0.entry(for: key) }),
           cached.version == FileVersion(info), cached.resolvedPath == resolved {
            return .found(cached)
        }
        let result = load(resolved, fileName: path.fileName, now: now)
        if case .found(let entry) = result { cache.withLock { $0.store(entry, for: key) } }
        return result
    }

    /// What the cache holds, for tests and logs.
    var cachedFiles: (count: Int, bytes: Int) { cache.withLock { ($0.count, $0.bytes) } }

    private func forget(_ key: String) {
        cache.withLock { $0.remove(key) }
    }

    /// Opens, checks and reads one file, then makes its representations.
    private func load(_ resolved: String, fileName: String, now: HTTPDate) -> StaticLookup {
        // O_NONBLOCK: should a FIFO have replaced the file since the stat, open does not wait.
        let fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return .notFound }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .notFound }
        guard Self.isRegularFile(info) else { return .refused(.notRegularFile) }
        guard Int(info.st_size) <= settings.maxFileBytes else { return .refused(.tooLarge) }
        guard let content = Self.readAll(fd, expected: Int(info.st_size)) else {
            Log.warning("static_read_failed", ["path": resolved, "errno": "\(errno)"])
            return .notFound
        }
        let mediaType = MediaType(fileName: fileName)
        let tag = Self.entityTag(of: content)
        return .found(StaticEntry(
            version: FileVersion(info),
            resolvedPath: resolved,
            mediaType: mediaType,
            identity: .init(body: content, entityTag: tag),
            gzip: mediaType.isCompressible ? Self.gzipVariant(of: content, tag: tag) : nil,
            lastModified: min(HTTPDate(secondsSince1970: Int64(info.st_mtim.tv_sec)), now)))
    }

    /// Up to `expected` bytes (the size `fstat` gave; a file that shrank meanwhile gives fewer,
    /// and its next `stat` shows a new version). Nil on a read error.
    private static func readAll(_ fd: Int32, expected: Int) -> [UInt8]? {
        var failed = false
        let content = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
            count = 0
            while count < expected {
                let got = read(fd, buffer.baseAddress! + count, expected - count)
                if got > 0 {
                    count += got
                } else if got == 0 {
                    break
                } else if errno != EINTR {
                    failed = true
                    break
                }
            }
        }
        return failed ? nil : content
    }

    /// RFC 9110 §8.8.3: a strong tag that changes whenever the bytes do: the first 16 bytes of
    /// their SHA-256, in hex (a collision needs 2^64 work, and only the folder's owner chooses
    /// the bytes).
    static func entityTag(of content: [UInt8]) -> EntityTag {
        EntityTag(opaqueTag: hex(Digest.sha256(content).prefix(16)))!
    }

    /// The gzip representation, when it is smaller. Its tag differs from the plain one's
    /// (RFC 9110 §8.8.3: a strong tag names one representation, and the coding is part of it).
    private static func gzipVariant(of content: [UInt8], tag: EntityTag) -> StaticEntry.Representation? {
        guard !content.isEmpty, let compressed = try? Gzip.compress(content, level: gzipLevel),
              compressed.count < content.count else { return nil }
        return .init(body: compressed, entityTag: EntityTag(opaqueTag: tag.opaqueTag + "-gzip")!)
    }

    private static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `realpath(3)`: absolute, no symlinks, no `.`/`..`; nil when something on the way is missing.
    static func canonicalPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// `path` relative to `root` when it is `root` itself (`""`) or lies below it; else nil.
    /// Compares bytes, as the file system does (String's `hasPrefix` would take a decomposed
    /// `é` for a precomposed one, and so a sibling folder for the root).
    static func path(_ path: String, below root: String) -> String? {
        if path.utf8.elementsEqual(root.utf8) { return "" }
        let prefix = Array(root.utf8) + (root.utf8.last == UInt8(ascii: "/") ? [] : [UInt8(ascii: "/")])
        guard path.utf8.starts(with: prefix) else { return nil }
        return String(decoding: path.utf8.dropFirst(prefix.count), as: UTF8.self)
    }

    private static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }
    private static func isRegularFile(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }
}
