import Testing
@testable import StaticContent

/// Content-Type by extension (RFC 9110 §8.3), and which types are worth gzip.
@Suite struct StaticMediaTypeTests {
    @Test(arguments: [
        ("index.html", "text/html; charset=utf-8"),
        ("old.htm", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("module.mjs", "text/javascript; charset=utf-8"),
        ("site.css", "text/css; charset=utf-8"),
        ("data.json", "application/json"),
        ("app.js.map", "application/json"),
        ("logo.svg", "image/svg+xml"),
        ("logo.png", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("photo.jpeg", "image/jpeg"),
        ("anim.gif", "image/gif"),
        ("pic.webp", "image/webp"),
        ("favicon.ico", "image/x-icon"),
        ("font.woff", "font/woff"),
        ("font.woff2", "font/woff2"),
        ("font.ttf", "font/ttf"),
        ("font.otf", "font/otf"),
        ("readme.txt", "text/plain; charset=utf-8"),
        ("feed.xml", "application/xml"),
        ("codec.wasm", "application/wasm"),
        ("ring.mp3", "audio/mpeg"),
        ("ring.wav", "audio/wav"),
        ("ring.ogg", "audio/ogg"),
        ("clip.webm", "video/webm"),
        ("clip.mp4", "video/mp4"),
        ("manual.pdf", "application/pdf"),
    ])
    func knownExtensions(name: String, contentType: String) {
        #expect(MediaType(fileName: name).fieldValue == contentType)
    }

    /// A module script is fetched in CORS mode: JavaScript may be read by any origin (the web
    /// phone imported by a CRM page on another site); nothing else is.
    @Test func onlyJavaScriptAllowsAnyOrigin() {
        #expect(MediaType(fileName: "phone.mjs").allowsAnyOrigin && MediaType(fileName: "operator.js").allowsAnyOrigin)
        for name in ["index.html", "site.css", "data.json", "logo.svg", "ring.mp3", "README"] {
            #expect(!MediaType(fileName: name).allowsAnyOrigin, "\(name)")
        }
    }

    @Test func extensionsAreCaseInsensitive() {
        #expect(MediaType(fileName: "INDEX.HTML").fieldValue == "text/html; charset=utf-8")
        #expect(MediaType(fileName: "Logo.PnG").essence == "image/png")
    }

    @Test func unknownOrMissingIsOctetStream() {
        for name in ["archive.tar.gz", "Makefile", "file.", "notes.md", "x.exe", "index.html.bak", ""] {
            #expect(MediaType(fileName: name) == .octetStream, "\(name)")
        }
        #expect(MediaType.octetStream.fieldValue == "application/octet-stream")
    }

    @Test func compressibleIsTextScriptsAndSVGButNotImagesOrFonts() {
        for name in ["a.html", "a.js", "a.mjs", "a.css", "a.json", "a.map", "a.svg", "a.xml", "a.wasm", "a.txt"] {
            #expect(MediaType(fileName: name).isCompressible, "\(name)")
        }
        for name in ["a.png", "a.jpg", "a.gif", "a.webp", "a.ico", "a.woff", "a.woff2", "a.ttf", "a.otf",
                     "a.mp3", "a.wav", "a.ogg", "a.webm", "a.mp4", "a.pdf", "a.bin"] {
            #expect(!MediaType(fileName: name).isCompressible, "\(name)")
        }
    }
}
