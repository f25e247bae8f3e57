/// Why a request for a static file was refused: each case is one log reason and one label of
/// `callgate_static_refused_total{reason=…}`, and maps to one status, here and nowhere else.
///
/// `StaticPath` finds the cases from `targetForm` to `emptySegment` (the request path alone);
/// the gateway finds the others: the method, and what needs the file system. A file that simply
/// does not exist is not a refusal: that is a plain 404.
public enum StaticRefusal: Error, Sendable, Equatable, CaseIterable {
    /// Not origin-form (RFC 9112 §3.2.1): an absolute-form or asterisk-form target.
    case targetForm
    /// A `%` not followed by two hex digits (RFC 3986 §2.1).
    case badEscape
    /// The decoded bytes of a segment are not UTF-8 (an overlong `%c0%ae` included).
    case notUTF8
    /// NUL or another control character, raw or escaped.
    case controlCharacter
    /// `%2F`: an encoded slash would join two segments after the checks ran.
    case encodedSlash
    /// `\` raw or as `%5C`: a separator on other systems, never a file name here.
    case backslash
    /// A `.` or `..` segment, raw or escaped (RFC 3986 §3.3 dot-segments).
    case traversal
    /// A segment starting with `.` (`.git`, `.env`), requested or reached through a symlink.
    case dotfile
    /// Two slashes in a row (`//x`): never a file name, and a `//host` redirect is off-site.
    case emptySegment
    /// The path resolves (through a symlink) outside the folder.
    case outsideFolder
    /// Not a regular file: a FIFO, a socket, a device (opening some would block the loop).
    case notRegularFile
    /// Larger than `static.maxFileBytes`.
    case tooLarge
    /// A method other than GET and HEAD (RFC 9110 §15.5.6): static files are read-only.
    case method

    /// The log reason and metric label.
    public var reason: String {
        switch self {
        case .targetForm: "target_form"
        case .badEscape: "bad_escape"
        case .notUTF8: "not_utf8"
        case .controlCharacter: "control"
        case .encodedSlash: "encoded_slash"
        case .backslash: "backslash"
        case .traversal: "traversal"
        case .dotfile: "dotfile"
        case .emptySegment: "empty_segment"
        case .outsideFolder: "outside_folder"
        case .notRegularFile: "not_regular"
        case .tooLarge: "too_large"
        case .method: "method"
        }
    }

    /// RFC 9110 §15.5.1 400 for a target that is malformed whatever the folder holds; §15.5.6
    /// 405 for a method (with `Allow: GET, HEAD`); §15.5.5 404 for the rest, which tells a
    /// prober nothing about what exists.
    public var status: Int {
        switch self {
        case .targetForm, .badEscape, .notUTF8, .controlCharacter: 400
        case .method: 405
        default: 404
        }
    }
}
