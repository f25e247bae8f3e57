/// The `static` section: the folder of files served on GET and HEAD (docs/config.md).
struct StaticSettings: Sendable, Equatable {
    /// `false` answers every path the gateway does not know with 404, as before static files.
    var enabled = true
    /// The folder; a relative path is resolved against the current directory at start.
    /// `--public DIR` sets it. Default `public`.
    var folder = "public"
    /// Larger files are refused with 404 (logged, counted as `too_large`). Default 8 MiB.
    var maxFileBytes = 8 << 20
    /// 0: `Cache-Control: no-cache` (browsers revalidate every time, cheap with the ETag);
    /// otherwise `public, max-age=N`. Default 0.
    var cacheSeconds = 0
    /// Bytes of file content (plain and gzip) kept in memory, shared by all loops. A file that
    /// would not fit is read on each request. Default 64 MiB.
    var cacheBytes = 64 << 20

    mutating func apply(_ section: inout ConfigReader) throws(GatewayConfig.Error) {
        if let v: Bool = try section.take("enabled") { enabled = v }
        if let v: String = try section.take("folder") {
            guard !v.isEmpty, !v.utf8.contains(0) else {
                throw GatewayConfig.Error(key: "static.folder", problem: "must be a non-empty path")
            }
            folder = v
        }
        if let v: Int = try section.take("maxFileBytes", range: 1...(1 << 30)) { maxFileBytes = v }
        if let v: Int = try section.take("cacheSeconds", range: 0...31_536_000) { cacheSeconds = v }
        if let v: Int = try section.take("cacheBytes", range: 0...(1 << 40)) { cacheBytes = v }
    }
}
