/// An HTTP version, RFC 9112 §2.3: `HTTP-version = "HTTP/" DIGIT "." DIGIT`.
///
/// Only 1.0 and 1.1 come out of the parsers; any other well-formed version is rejected with 505.
public struct HTTPVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// The wire form, e.g. `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}
