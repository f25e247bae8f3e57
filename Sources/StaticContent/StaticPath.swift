/// A request path turned into a file path relative to the static folder, or refused.
///
/// The path (RFC 9112 §3.2.1 origin-form, the query already removed) is split on `/` first
/// and each segment percent-decoded afterwards (RFC 3986 §2.1, §2.4), so an escaped `%2F` can
/// never make a separator: it is refused instead. A decoded segment is refused when it is `.`
/// or `..` (RFC 3986 §3.3 dot-segments; no normalisation, a path that needs it is an attack or
/// a bug), starts with `.` (dotfiles), is empty (`//`), holds NUL, another control character,
/// `/` or `\`, or is not UTF-8. A trailing slash names a directory, whose `index.html` is
/// served: `/` is `index.html`, `/docs/` is `docs/index.html`.
///
/// Not done here: whether a path without the slash names a directory (the gateway stats it and
/// redirects, see `directoryRedirectTarget`), symlinks, and any limit on segment length (the
/// request line's limit bounds the whole path; a name over 255 bytes is simply not found).
public struct StaticPath: Sendable, Equatable {
    /// The decoded segments of the file to open, `index.html` included when the request named
    /// a directory.
    public let segments: [String]
    /// Whether the request path ended in `/` (so the last segment is the added `index.html`).
    public let namesDirectory: Bool

    /// The index file served for a path ending in `/`.
    public static let indexFileName = "index.html"

    /// `segments` joined with `/`: relative, never empty, never with a dot segment.
    public var relativePath: String { segments.joined(separator: "/") }

    /// The file's name, e.g. `app.js`, for its media type.
    public var fileName: String { segments.last ?? Self.indexFileName }

    public init(requestPath: String) throws(StaticRefusal) {
        var raw = Array(requestPath.utf8)[...]
        guard raw.first == UInt8(ascii: "/") else { throw .targetForm }
        raw.removeFirst()
        var segments: [String] = []
        let parts = raw.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            // The last part is empty after a trailing slash (and for `/` itself).
            if part.isEmpty && index == parts.count - 1 { break }
            segments.append(try Self.decodeSegment(part))
        }
        namesDirectory = parts.last?.isEmpty ?? true
        if namesDirectory { segments.append(Self.indexFileName) }
        self.segments = segments
    }

    /// RFC 9110 §15.4.2 (301): the target a request for a directory without its trailing slash is
    /// sent to, so relative links in its index resolve inside it. `path` is the request path as
    /// received (still percent-encoded: it is only ever an accepted `StaticPath`'s, so it starts
    /// with one `/` and has no control characters); the query is kept byte for byte.
    public static func directoryRedirectTarget(path: String, query: String?) -> String {
        path + "/" + (query.map { "?" + $0 } ?? "")
    }

    /// One segment, decoded and checked.
    private static func decodeSegment(_ raw: ArraySlice<UInt8>) throws(StaticRefusal) -> String {
        guard !raw.isEmpty else { throw .emptySegment }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            var byte = raw[i]
            if byte == UInt8(ascii: "%") {
                guard i + 2 < raw.endIndex, let high = hexValue(raw[i + 1]), let low = hexValue(raw[i + 2]) else {
                    throw .badEscape
                }
                byte = high << 4 | low
                i += 3
            } else {
                i += 1
            }
            try check(byte)
            bytes.append(byte)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        // Bytes, not Characters: `.` followed by a combining mark is one Character that is not
        // `"."`, yet the file system sees a name starting with a dot.
        if bytes == [0x2E] || bytes == [0x2E, 0x2E] { throw .traversal }
        if bytes.first == 0x2E { throw .dotfile }
        return text
    }

    /// The bytes no decoded segment may hold.
    private static func check(_ byte: UInt8) throws(StaticRefusal) {
        switch byte {
        case 0x00..<0x20, 0x7F: throw .controlCharacter
        case UInt8(ascii: "/"): throw .encodedSlash
        case UInt8(ascii: "\\"): throw .backslash
        default: break
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
