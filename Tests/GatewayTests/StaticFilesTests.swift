import Foundation
import Glibc
import Testing
@testable import Gateway
@testable import HTTP1
@testable import StaticContent

/// `StaticFiles` against a real folder, the `static` configuration, and large responses on
/// real sockets. Request-level behaviour is in Tests/interop/test_static.py.
@Suite(.serialized) struct StaticFilesTests {
    /// A fresh folder `<tmp>/site` beside a `<tmp>/secret.txt` it must never serve.
    static func makeSite() throws -> (parent: String, site: String) {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("callgate-static-\(UUID().uuidString)").path
        let site = parent + "/site"
        try FileManager.default.createDirectory(atPath: site + "/docs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: site + "/empty", withIntermediateDirectories: true)
        try "top secret\n".write(toFile: parent + "/secret.txt", atomically: true, encoding: .utf8)
        try "<h1>home</h1>\n".write(toFile: site + "/index.html", atomically: true, encoding: .utf8)
        try "<h1>docs</h1>\n".write(toFile: site + "/docs/index.html", atomically: true, encoding: .utf8)
        try String(repeating: "console.log('callgate');\n", count: 200).write(toFile: site + "/app.js", atomically: true, encoding: .utf8)
        try "env\n".write(toFile: site + "/.env", atomically: true, encoding: .utf8)
        return (parent, site)
    }

    static func files(_ site: String, _ configure: (inout StaticSettings) -> Void = { _ in }) -> StaticFiles {
        var settings = StaticSettings()
        settings.folder = site
        configure(&settings)
        return StaticFiles(settings: settings, currentDirectory: "/nonexistent")
    }

    static let now = HTTPDate(secondsSince1970: 2_000_000_000)

    static func lookup(_ files: StaticFiles, _ path: String) throws -> StaticLookup {
        files.lookup(try StaticPath(requestPath: path), now: now)
    }

    static func entry(_ files: StaticFiles, _ path: String) throws -> StaticEntry? {
        if case .found(let entry) = try lookup(files, path) { return entry }
        return nil
    }

    static func refusal(_ files: StaticFiles, _ path: String) throws -> StaticRefusal? {
        if case .refused(let refusal) = try lookup(files, path) { return refusal }
        return nil
    }

    static func isNotFound(_ files: StaticFiles, _ path: String) throws -> Bool {
        if case .notFound = try lookup(files, path) { return true }
        return false
    }

    @Test func servesFilesIndexesAndRedirectsDirectories() throws {
        let (_, site) = try Self.makeSite()
        let files = Self.files(site)
        #expect(files.root == StaticFiles.canonicalPath(site))
        let home = try #require(try Self.entry(files, "/"))
        #expect(home.identity.body == Array("<h1>home</h1>\n".utf8))
        #expect(home.mediaType.fieldValue == "text/html; charset=utf-8")
        #expect(home.gzip == nil) // too small to gain
        #expect(home.identity.entityTag == StaticFiles.entityTag(of: home.identity.body))
        #expect(home.identity.entityTag.opaqueTag.count == 32 && !home.identity.entityTag.isWeak)
        #expect(try Self.entry(files, "/docs/")?.identity.body == Array("<h1>docs</h1>\n".utf8))
        if case .directory = try Self.lookup(files, "/docs") {} else { Issue.record("a directory without its slash redirects") }
        #expect(try Self.isNotFound(files, "/empty/"))   // no index, no listing
        #expect(try Self.isNotFound(files, "/missing.js"))
        #expect(try Self.isNotFound(files, "/app.js/"))  // a file is not a directory
        let script = try #require(try Self.entry(files, "/app.js"))
        let gzip = try #require(script.gzip)
        #expect(gzip.body.count < script.identity.body.count)
        #expect(gzip.entityTag.opaqueTag == script.identity.entityTag.opaqueTag + "-gzip")
    }

    @Test func symlinksStayInsideAndDotfilesStayHidden() throws {
        let (parent, site) = try Self.makeSite()
        try FileManager.default.createSymbolicLink(atPath: site + "/leak.txt", withDestinationPath: parent + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: site + "/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: site + "/config", withDestinationPath: ".env")
        try FileManager.default.createSymbolicLink(atPath: site + "/home.html", withDestinationPath: "index.html")
        try FileManager.default.createSymbolicLink(atPath: site + "/alias", withDestinationPath: "docs")
        let files = Self.files(site)
        #expect(try Self.refusal(files, "/leak.txt") == .outsideFolder)
        #expect(try Self.refusal(files, "/up/secret.txt") == .outsideFolder)
        #expect(try Self.refusal(files, "/config") == .dotfile)
        #expect(try Self.entry(files, "/home.html")?.identity.body == Array("<h1>home</h1>\n".utf8))
        #expect(try Self.entry(files, "/alias/")?.identity.body == Array("<h1>docs</h1>\n".utf8))
    }

    /// The one-stat fast path answers from the cache only while the path reaches the very file
    /// it cached: a cached file swapped for a symlink leading outside is refused, not served.
    @Test func aCachedFileSwappedForAnOutsideSymlinkIsRefused() throws {
        let (parent, site) = try Self.makeSite()
        try "public\n".write(toFile: site + "/page.txt", atomically: true, encoding: .utf8)
        let files = Self.files(site)
        #expect(try Self.entry(files, "/page.txt")?.identity.body == Array("public\n".utf8))
        try FileManager.default.removeItem(atPath: site + "/page.txt")
        try FileManager.default.createSymbolicLink(atPath: site + "/page.txt", withDestinationPath: parent + "/secret.txt")
        #expect(try Self.refusal(files, "/page.txt") == .outsideFolder)
    }

    @Test func refusesSpecialAndLargeFiles() throws {
        let (_, site) = try Self.makeSite()
        #expect(mkfifo(site + "/pipe.txt", 0o644) == 0)
        try String(repeating: "x", count: 2_000).write(toFile: site + "/big.txt", atomically: true, encoding: .utf8)
        let files = Self.files(site) { $0.maxFileBytes = 1_000 }
        #expect(try Self.refusal(files, "/pipe.txt") == .notRegularFile)
        #expect(try Self.refusal(files, "/big.txt") == .tooLarge)
        #expect(try Self.entry(files, "/index.html") != nil)
    }

    @Test func aChangedFileIsReadAgain() throws {
        let (_, site) = try Self.makeSite()
        let files = Self.files(site)
        let first = try #require(try Self.entry(files, "/index.html"))
        #expect(try Self.entry(files, "/index.html")?.identity.entityTag == first.identity.entityTag)
        #expect(files.cachedFiles.count == 1)
        // Same size, new content, written in place: the mtime (nanoseconds) or inode tells.
        try "<h1>HOME</h1>\n".write(toFile: site + "/index.html", atomically: false, encoding: .utf8)
        let second = try #require(try Self.entry(files, "/index.html"))
        #expect(second.identity.body == Array("<h1>HOME</h1>\n".utf8))
        #expect(second.identity.entityTag != first.identity.entityTag)
        #expect(files.cachedFiles.count == 1)
        try FileManager.default.removeItem(atPath: site + "/index.html")
        #expect(try Self.isNotFound(files, "/index.html"))
        #expect(files.cachedFiles.count == 0)
    }

    @Test func theCacheKeepsToItsBudget() throws {
        let (_, site) = try Self.makeSite()
        let files = Self.files(site) { $0.cacheBytes = 40 }
        _ = try Self.entry(files, "/index.html")      // 14 bytes
        _ = try Self.entry(files, "/docs/index.html") // 14 bytes
        #expect(files.cachedFiles == (2, 28))
        _ = try Self.entry(files, "/app.js")          // larger than the budget: served, not kept
        #expect(files.cachedFiles.bytes <= 40)
        #expect(try Self.entry(files, "/app.js") != nil)
    }

    @Test func aMissingOrDisabledFolderServesNothing() throws {
        let missing = Self.files("/nonexistent/callgate-public")
        #expect(missing.root == nil)
        #expect(try Self.isNotFound(missing, "/index.html"))
        let (_, site) = try Self.makeSite()
        let disabled = Self.files(site) { $0.enabled = false }
        #expect(disabled.root == nil)
        // A relative folder is taken from the current directory given at start.
        var settings = StaticSettings()
        settings.folder = "site"
        let relative = StaticFiles(settings: settings, currentDirectory: (site as NSString).deletingLastPathComponent)
        #expect(relative.root == StaticFiles.canonicalPath(site))
    }

    @Test func configAndCommandLine() throws {
        func problem(_ json: String) -> String? {
            var config = GatewayConfig()
            do {
                try config.apply(json: Data(json.utf8))
                return nil
            } catch {
                return error.description
            }
        }
        var config = GatewayConfig()
        #expect(config.staticFiles == StaticSettings())
        #expect(config.staticFiles.enabled && config.staticFiles.folder == "public")
        #expect(config.staticFiles.maxFileBytes == 8_388_608 && config.staticFiles.cacheSeconds == 0)
        try config.apply(json: Data(#"{"static":{"enabled":false,"folder":"/srv/www","maxFileBytes":1024,"cacheSeconds":60,"cacheBytes":0}}"#.utf8))
        #expect(config.staticFiles == StaticSettings(enabled: false, folder: "/srv/www", maxFileBytes: 1024, cacheSeconds: 60, cacheBytes: 0))
        #expect(problem(#"{"static":{"maxFileBytes":0}}"#)?.contains("static.maxFileBytes: must be between 1") == true)
        #expect(problem(#"{"static":{"cacheSeconds":-1}}"#)?.contains("static.cacheSeconds") == true)
        #expect(problem(#"{"static":{"folder":7}}"#)?.contains("static.folder: must be a string") == true)
        #expect(problem(#"{"static":{"folder":""}}"#)?.contains("static.folder") == true)
        #expect(problem(#"{"static":{"enabled":"yes"}}"#)?.contains("static.enabled: must be true or false") == true)
        #expect(problem(#"{"static":{"index":"home.html"}}"#)?.contains("static.index: unknown key") == true)
        #expect(problem(#"{"static":"public"}"#)?.contains("static") == true)
        guard case .run(let parsed) = try CommandLineOptions.parse(["--public", "/srv/www", "--listen", "127.0.0.1:0"]) else {
            Issue.record("--public runs the gateway")
            return
        }
        #expect(parsed.staticFiles.folder == "/srv/www" && parsed.staticFiles.enabled)
        #expect(throws: (any Error).self) { try CommandLineOptions.parse(["--public"]) }
    }

    /// The one connection's queued bytes and held (unparsed) input, read on its loop.
    static func queueState(_ gateway: RunningGateway) -> (queued: Int, held: Int)? {
        let done = Semaphore()
        nonisolated(unsafe) var state: (Int, Int)?
        let loop = gateway.server.loops[0]
        loop.execute {
            for case let connection as Connection in loop.timedHandlers {
                state = (connection.queuedBytes, connection.heldInput.count)
            }
            done.signal()
        }
        guard done.wait(seconds: 5) else { return nil }
        return state
    }

    /// Pipelined requests for a large file are read one response at a time: the rest wait
    /// unparsed while the queue is above the high-water mark (docs/style.md §9), and nothing is lost.
    @Test func pipelinedLargeResponsesWaitForTheQueueToDrain() throws {
        let (_, site) = try Self.makeSite()
        let big = (0..<(64 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(big).write(to: URL(fileURLWithPath: site + "/big.bin"))
        let gateway = try RunningGateway { config in
            config.staticFiles.folder = site
            config.limits.outboundHighWaterBytes = 16 << 10
        }
        defer { gateway.stop() }
        let peer = try TestPeer(port: gateway.port)
        let count = 12
        peer.send(String(repeating: "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", count: count) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in 0..<count {
            let response = try #require(peer.readResponse())
            #expect(response.head.hasPrefix("HTTP/1.1 200"))
            #expect(response.head.contains("Content-Type: application/octet-stream"))
            #expect(response.head.contains("Content-Length: 65536"))
        }
        #expect(peer.readResponse()?.body == "ok\n")
        // A peer that reads nothing: once the kernel's buffers are full, the gateway holds about
        // one file in its queue and the other requests unparsed, not 200 copies of the file.
        let stalled = try TestPeer(port: gateway.port)
        stalled.send(String(repeating: "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", count: 200))
        usleep(300_000)
        let (queued, held) = try #require(Self.queueState(gateway))
        #expect(queued > 0 && queued < 16 << 10 + big.count)
        #expect(held > 0)
        #expect(gateway.eventually { gateway.metric(.backpressurePauses) >= 1 })
        #expect(gateway.eventually { gateway.metric("callgate_static_responses_total{status=\"200\"}") >= count })
    }
}
