/// A parsed (or to-be-sent) HTTP/1.1 request head, RFC 9112 §3 and §5.
public struct HTTPRequestHead: Sendable, Equatable {
    /// RFC 9110 §9.1: case-sensitive, e.g. `GET`.
    public var method: String
    /// RFC 9112 §3.2: as received, e.g. `/chat?room=1`. The form (origin, absolute, authority,
    /// asterisk) is not checked here.
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(
        method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The target before the first `?` (the whole target if there is none). Not
    /// percent-decoded; for an absolute-form target this includes the scheme and authority.
    public var path: String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        return String(target[..<mark])
    }

    /// The raw text after the first `?`, or nil if there is no `?`. Not percent-decoded.
    public var query: String? {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(target[target.utf8.index(after: mark)...])
    }

    /// RFC 9112 §9.3: whether the connection stays open after this request. `Connection: close`
    /// ends it; otherwise HTTP/1.1 is persistent and HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        headers.isPersistent(version: version)
    }

    /// RFC 9112 §6.3: how the request body is delimited. Exact for heads returned by
    /// `HTTPRequestParser`, which has already rejected every ambiguous combination; for a head
    /// built by hand with conflicting framing fields it is `.none`.
    public var bodyFraming: HTTPBodyFraming {
        (try? HTTPBodyFraming(validating: headers, version: version, maxBodyBytes: .max)) ?? HTTPBodyFraming.none
    }

    /// Writes the request line, the field lines and the blank line. Fields are not validated.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: method.utf8)
        bytes.append(HTTPSyntax.sp)
        bytes.append(contentsOf: target.utf8)
        bytes.append(HTTPSyntax.sp)
        bytes.append(contentsOf: version.description.utf8)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
        headers.encode(into: &bytes)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }
}

extension HTTPHeaders {
    /// RFC 9112 §9.3 for both requests and responses.
    func isPersistent(version: HTTPVersion) -> Bool {
        let connection = tokens(for: "Connection")
        if connection.contains("close") { return false }
        if version >= .http1_1 { return true }
        return connection.contains("keep-alive")
    }
}
