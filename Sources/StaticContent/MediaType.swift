/// The `Content-Type` of a static file, chosen by its extension (RFC 9110 §8.3): a browser
/// told `nosniff` runs a script or applies a style sheet only under the right type.
///
/// Text types carry `charset=utf-8` (RFC 9110 §8.3.2; the folder's text is UTF-8). JSON and
/// the XML types do not: RFC 8259 §11 defines no charset for JSON, and XML declares its own.
/// An unknown or missing extension is `application/octet-stream` (RFC 9110 §8.3: the recipient
/// may not sniff, so it is offered as a download).
public struct MediaType: Sendable, Equatable {
    /// `type/subtype`, e.g. `text/html`.
    public let essence: String
    /// Whether the field value says `charset=utf-8`.
    public let isUTF8Text: Bool
    /// Whether gzip pays off: text, scripts, style sheets, JSON, SVG, XML, WebAssembly. Not
    /// images, audio, video, fonts or PDF, which are compressed already.
    public let isCompressible: Bool

    public init(essence: String, isUTF8Text: Bool, isCompressible: Bool) {
        self.essence = essence
        self.isUTF8Text = isUTF8Text
        self.isCompressible = isCompressible
    }

    /// Whether any origin may read it (`Access-Control-Allow-Origin: *`): JavaScript. A page
    /// imports an ES module in CORS mode (HTML "fetch a single module script": mode "cors"), so
    /// a CRM page on another origin can load the web phone (`/phone/phone.mjs`, docs/operator.md
    /// §14) only if the answer allows its origin (Fetch §3.2.5). The files are public and the
    /// import sends no credentials; a classic `<script src>` needs no such header.
    public var allowsAnyOrigin: Bool { essence == "text/javascript" }

    /// The `Content-Type` field value, e.g. `text/html; charset=utf-8`.
    public var fieldValue: String { isUTF8Text ? essence + "; charset=utf-8" : essence }

    public static let octetStream = MediaType(essence: "application/octet-stream", isUTF8Text: false, isCompressible: false)

    /// By the text after the last `.` of `fileName`, compared in lower case; a name without a
    /// dot (or ending in one) is `octetStream`.
    public init(fileName: String) {
        guard let dot = fileName.utf8.lastIndex(of: UInt8(ascii: ".")) else {
            self = .octetStream
            return
        }
        let suffix = fileName[fileName.utf8.index(after: dot)...]
        self = Self.byExtension[suffix.lowercased()] ?? .octetStream
    }

    private static func text(_ essence: String) -> MediaType {
        MediaType(essence: essence, isUTF8Text: true, isCompressible: true)
    }

    private static func compressible(_ essence: String) -> MediaType {
        MediaType(essence: essence, isUTF8Text: false, isCompressible: true)
    }

    private static func binary(_ essence: String) -> MediaType {
        MediaType(essence: essence, isUTF8Text: false, isCompressible: false)
    }

    /// RFC 9239 §6 makes `text/javascript` the type of JavaScript, modules included.
    private static let byExtension: [String: MediaType] = [
        "html": text("text/html"), "htm": text("text/html"),
        "js": text("text/javascript"), "mjs": text("text/javascript"),
        "css": text("text/css"), "txt": text("text/plain"),
        "json": compressible("application/json"), "map": compressible("application/json"),
        "svg": compressible("image/svg+xml"), "xml": compressible("application/xml"),
        "wasm": compressible("application/wasm"),
        "png": binary("image/png"), "jpg": binary("image/jpeg"), "jpeg": binary("image/jpeg"),
        "gif": binary("image/gif"), "webp": binary("image/webp"), "ico": binary("image/x-icon"),
        "woff": binary("font/woff"), "woff2": binary("font/woff2"), "ttf": binary("font/ttf"), "otf": binary("font/otf"),
        "mp3": binary("audio/mpeg"), "wav": binary("audio/wav"), "ogg": binary("audio/ogg"),
        "webm": binary("video/webm"), "mp4": binary("video/mp4"), "pdf": binary("application/pdf"),
    ]
}
