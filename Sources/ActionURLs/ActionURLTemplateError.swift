import ClickToCall

/// Why an outgoing Action URL template was refused (a configuration error, raised when the
/// configuration is read), or, for the two `rendered…` cases, why one rendering was refused.
/// `description` names the offending part so the config error can point at it.
public enum ActionURLTemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    /// Longer than `ActionURLTemplate.maxTemplateBytes`.
    case tooLong
    /// Not `http://` or `https://`; the text is what came before `://` (or the start).
    case unsupportedScheme(String)
    case missingHost
    /// The host is not a DNS name, an IPv4 address or a bracketed IPv6 address.
    case invalidHost(String)
    case invalidPort(String)
    /// `user:password@host`: credentials do not belong in a URL that is logged.
    case userinfoNotAllowed
    /// A placeholder in the scheme, host or port: a value must never choose where the request goes.
    case placeholderInAuthority(String)
    /// `<$name>` with a name that is not one of `ActionURLPlaceholder`.
    case unknownPlaceholder(String)
    /// `<$` without its `>`.
    case unterminatedPlaceholder
    /// A character that may not appear in a URL's path or query as written (space, `"`, `<`,
    /// `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, controls, non-ASCII); `offset` is in UTF-8 bytes.
    case invalidCharacter(String, offset: Int)
    /// `%` not followed by two hex digits; `offset` is in UTF-8 bytes.
    case invalidPercentEscape(offset: Int)
    /// `#…`: a fragment is never sent in an HTTP request.
    case fragmentNotAllowed
    /// A `.` or `..` path segment in the template itself.
    case dotSegment
    /// The rendered request target exceeds `ActionURLTemplate.maxTargetBytes`.
    case renderedTooLong
    /// A value in the path made a segment that decodes to `.` or `..` (or contains `/` that
    /// does): refused rather than sent, so no value can climb the CRM's path.
    case renderedDotSegment

    public var description: String {
        switch self {
        case .empty: "empty URL"
        case .tooLong: "URL longer than \(ActionURLTemplate.maxTemplateBytes) bytes"
        case .unsupportedScheme(let scheme): "scheme \(ClickToCallError.printable(scheme)) is not http or https"
        case .missingHost: "no host"
        case .invalidHost(let host): "invalid host \(ClickToCallError.printable(host))"
        case .invalidPort(let port): "invalid port \(ClickToCallError.printable(port))"
        case .userinfoNotAllowed: "user:password@ is not allowed in the URL"
        case .placeholderInAuthority(let name): "placeholder <$\(ClickToCallError.printable(name))> in the scheme, host or port"
        case .unknownPlaceholder(let name):
            "unknown placeholder <$\(ClickToCallError.printable(name))>; known: \(ActionURLPlaceholder.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unterminatedPlaceholder: "<$ without >"
        case .invalidCharacter(let character, let offset):
            "character \(ClickToCallError.printable(character).debugDescription) at byte \(offset) must be percent-encoded"
        case .invalidPercentEscape(let offset): "% at byte \(offset) is not followed by two hex digits"
        case .fragmentNotAllowed: "#fragment is not sent in HTTP requests"
        case .dotSegment: ". or .. path segment"
        case .renderedTooLong: "rendered request target longer than \(ActionURLTemplate.maxTargetBytes) bytes"
        case .renderedDotSegment: "a value made a . or .. path segment"
        }
    }
}
