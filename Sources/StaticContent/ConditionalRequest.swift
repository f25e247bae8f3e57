import HTTP1

/// The preconditions of a GET or HEAD for a static file, RFC 9110 §13.1.2 and §13.1.3, in the
/// order of §13.2.2: `If-None-Match` when present, else `If-Modified-Since`.
///
/// Only these two are evaluated. `If-Match`, `If-Unmodified-Since` and `If-Range` are ignored:
/// the gateway serves no state-changing methods and no ranges, and §13.2.1 lets a server ignore
/// preconditions for a resource it does not support them on.
public struct ConditionalRequest: Sendable, Equatable {
    public let ifNoneMatch: IfNoneMatch?
    /// Nil when the field is absent, has more than one member, or is not a valid HTTP-date:
    /// §13.1.3 says to ignore it then.
    public let ifModifiedSince: HTTPDate?

    /// What the evaluation asks for.
    public enum Outcome: Sendable, Equatable {
        /// 200 with the representation.
        case full
        /// 304 Not Modified (§15.4.5).
        case notModified

        public var status: Int { self == .full ? 200 : 304 }
    }

    public init(ifNoneMatch: IfNoneMatch?, ifModifiedSince: HTTPDate?) {
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
    }

    /// From the values of every `If-None-Match` and `If-Modified-Since` field line; `now`
    /// enables rfc850 dates (see `HTTPDate`).
    public init(ifNoneMatch: [String], ifModifiedSince: [String], now: HTTPDate? = nil) {
        self.ifNoneMatch = IfNoneMatch(fieldValues: ifNoneMatch)
        // §13.1.3: more than one member (a second field line) means the field is ignored. A
        // single date holds a comma, so commas inside one line are not members.
        self.ifModifiedSince = ifModifiedSince.count == 1
            ? HTTPDate(parsing: Self.trimmed(ifModifiedSince[0]), now: now) : nil
    }

    /// §13.2.2 steps 3 and 4 for a representation that exists.
    ///
    /// - If-None-Match (§13.1.2): false, so 304, when it is `*` or lists a tag that weakly
    ///   matches `entityTag`. A malformed field matches nothing (200), and If-Modified-Since is
    ///   still not consulted: the client did send If-None-Match.
    /// - If-Modified-Since (§13.1.3): false, so 304, when `lastModified` is earlier than or equal
    ///   to the date given.
    public func evaluate(entityTag: EntityTag, lastModified: HTTPDate) -> Outcome {
        if let ifNoneMatch {
            return ifNoneMatch.matches(entityTag) ? .notModified : .full
        }
        if let ifModifiedSince, lastModified <= ifModifiedSince {
            return .notModified
        }
        return .full
    }

    private static func trimmed(_ text: String) -> String {
        String(decoding: Array(text.utf8)[...].withoutOWS, as: UTF8.self)
    }
}
