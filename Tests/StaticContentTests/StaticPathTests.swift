import Testing
@testable import StaticContent

/// Request paths to folder-relative file paths (RFC 3986 §2.1 escapes, §3.3 dot-segments).
@Suite struct StaticPathTests {
    static func relative(_ path: String) -> String? {
        try? StaticPath(requestPath: path).relativePath
    }

    static func refusal(_ path: String) -> StaticRefusal? {
        do {
            _ = try StaticPath(requestPath: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func plainPathsAndIndexFiles() throws {
        #expect(Self.relative("/") == "index.html")
        #expect(Self.relative("/app.js") == "app.js")
        #expect(Self.relative("/css/site.css") == "css/site.css")
        #expect(Self.relative("/docs/") == "docs/index.html")
        #expect(Self.relative("/a/b/c/") == "a/b/c/index.html")
        let directory = try StaticPath(requestPath: "/docs/")
        #expect(directory.namesDirectory && directory.fileName == "index.html")
        #expect(directory.segments == ["docs", "index.html"])
        let file = try StaticPath(requestPath: "/docs")
        #expect(!file.namesDirectory && file.fileName == "docs")
    }

    @Test func escapesAreDecodedPerSegment() {
        #expect(Self.relative("/a%20b.html") == "a b.html")
        #expect(Self.relative("/%C3%BCber/caf%c3%a9.txt") == "über/café.txt")
        #expect(Self.relative("/100%25.txt") == "100%.txt")
        // A dot inside a name is fine; only a leading one is refused.
        #expect(Self.relative("/v1.2/app.min.js") == "v1.2/app.min.js")
        #expect(Self.relative("/a..b") == "a..b")
        #expect(Self.relative("/a%2Eb") == "a.b")
    }

    @Test(arguments: [
        // Dot segments, raw and escaped in every case.
        ("/../etc/passwd", StaticRefusal.traversal),
        ("/..", .traversal),
        ("/.", .traversal),
        ("/./index.html", .traversal),
        ("/a/../../etc/passwd", .traversal),
        ("/%2e%2e/", .traversal),
        ("/%2e%2e/etc/passwd", .traversal),
        ("/a/%2E%2E/b", .traversal),
        ("/a/.%2e/b", .traversal),
        ("/a/%2e./b", .traversal),
        ("/a/%2e/b", .traversal),
        ("/a/..", .traversal),
        // Escaped separators.
        ("/%2fetc/passwd", .encodedSlash),
        ("/%2Fetc", .encodedSlash),
        ("/a/..%2f..%2fetc", .encodedSlash),
        ("/..%2F..%2Fetc%2Fpasswd", .encodedSlash),
        ("/a\\b", .backslash),
        ("/..\\..\\etc", .backslash),
        ("/a%5cb", .backslash),
        ("/%5C..%5Cetc", .backslash),
        // NUL and other controls.
        ("/a%00.html", .controlCharacter),
        ("/index.html%00.js", .controlCharacter),
        ("/a%0d%0aSet-Cookie:x", .controlCharacter),
        ("/a%7f", .controlCharacter),
        ("/a%09b", .controlCharacter),
        // Dotfiles, at any depth and escaped.
        ("/.git/config", .dotfile),
        ("/.env", .dotfile),
        ("/a/.htaccess", .dotfile),
        ("/%2egit/config", .dotfile),
        ("/.well-known/x", .dotfile),
        ("/...", .dotfile),
        ("/.%CC%81env", .dotfile),
        // Empty segments.
        ("//x", .emptySegment),
        ("//evil.example/", .emptySegment),
        ("/a//b", .emptySegment),
        ("/a//", .emptySegment),
        // Bad escapes and non-UTF-8, overlong forms of `.` and `/` included.
        ("/%c0%ae%c0%ae/etc/passwd", .notUTF8),
        ("/%c0%af", .notUTF8),
        ("/%e0%80%ae", .notUTF8),
        ("/%ff.html", .notUTF8),
        ("/%ed%a0%80", .notUTF8),
        ("/a%", .badEscape),
        ("/a%2", .badEscape),
        ("/a%zz", .badEscape),
        ("/%%32%65", .badEscape),
        // Not origin-form.
        ("http://example.com/index.html", .targetForm),
        ("*", .targetForm),
        ("", .targetForm),
        ("index.html", .targetForm),
    ])
    func refusals(path: String, expected: StaticRefusal) {
        #expect(Self.refusal(path) == expected, "\(path)")
    }

    @Test func doubleEncodingStaysOneLevel() {
        // %252e is the three characters "%2e", a plain name, never decoded twice.
        #expect(Self.relative("/%252e%252e/x") == "%2e%2e/x")
    }

    @Test func refusalsMapToStatusAndReason() {
        #expect(StaticRefusal.traversal.status == 404)
        #expect(StaticRefusal.dotfile.status == 404)
        #expect(StaticRefusal.encodedSlash.status == 404)
        #expect(StaticRefusal.tooLarge.status == 404)
        #expect(StaticRefusal.badEscape.status == 400)
        #expect(StaticRefusal.notUTF8.status == 400)
        #expect(StaticRefusal.controlCharacter.status == 400)
        #expect(StaticRefusal.targetForm.status == 400)
        #expect(StaticRefusal.method.status == 405)
        #expect(StaticRefusal.tooLarge.reason == "too_large")
        #expect(StaticRefusal.outsideFolder.reason == "outside_folder")
        let reasons = StaticRefusal.allCases.map(\.reason)
        #expect(Set(reasons).count == reasons.count)
        #expect(reasons.allSatisfy { $0.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (97...122).contains($0) || (48...57).contains($0) } })
    }

    @Test func directoryRedirectKeepsTheQuery() {
        #expect(StaticPath.directoryRedirectTarget(path: "/docs", query: nil) == "/docs/")
        #expect(StaticPath.directoryRedirectTarget(path: "/docs", query: "a=1&b=%20") == "/docs/?a=1&b=%20")
        #expect(StaticPath.directoryRedirectTarget(path: "/a%20b", query: "") == "/a%20b/?")
    }
}
