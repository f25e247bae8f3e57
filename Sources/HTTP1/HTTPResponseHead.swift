/// A parsed (or to-be-sent) HTTP/1.1 response head, RFC 9112 §4 and §5.
public struct HTTPResponseHead: Sendable, Equatable {
    /// RFC 9110 §15: three digits, 100–599.
    public var status: Int
    /// RFC 9112 §4: informational only; a client should ignore it.
    public var reason: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    /// `reason` defaults to the standard phrase for `status` (see `reasonPhrase(for:)`).
    public init(
        status: Int, reason: String? = nil, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders()
    ) {
        self.status = status
        self.reason = reason ?? HTTPResponseHead.reasonPhrase(for: status)
        self.version = version
        self.headers = headers
    }

    /// RFC 9112 §9.3: whether the connection stays open after this response.
    public var keepAlive: Bool {
        headers.isPersistent(version: version)
    }

    /// RFC 9112 §6.3: how the body of this response is delimited, given the method of the
    /// request it answers. Exact for heads returned by `HTTPResponseParser`; for a head built by
    /// hand with conflicting framing fields it is `.untilClose`.
    public func bodyFraming(requestMethod: String) -> HTTPBodyFraming {
        // §6.3 rule 1: HEAD responses, 1xx, 204 and 304 end at the head.
        if requestMethod == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304 {
            return .none
        }
        // §6.3 rule 2: a 2xx answer to CONNECT turns the connection into a tunnel.
        if requestMethod == "CONNECT" && (200..<300).contains(status) { return .none }
        switch try? HTTPBodyFraming(validating: headers, version: version, maxBodyBytes: .max) {
        case .chunked?: return .chunked
        case .contentLength(let length)?: return .contentLength(length)
        default: return .untilClose // §6.3 rule 8
        }
    }

    /// Writes the status line, the field lines and the blank line. Fields are not validated.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: version.description.utf8)
        bytes.append(HTTPSyntax.sp)
        bytes.append(contentsOf: String(status).utf8)
        bytes.append(HTTPSyntax.sp)
        bytes.append(contentsOf: reason.utf8)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
        headers.encode(into: &bytes)
        bytes.append(HTTPSyntax.cr)
        bytes.append(HTTPSyntax.lf)
    }

    /// The RFC 9110 §15 reason phrase for the statuses Callgate sends or expects; an empty string
    /// for any other status (RFC 9112 §4 allows an empty reason phrase).
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 426: return "Upgrade Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return ""
        }
    }

    /// A complete error response that closes the connection: `Content-Type: text/plain`,
    /// `Content-Length`, `Connection: close` (with `connectionOptions` prepended, e.g. `Upgrade`),
    /// the extra headers, and the body `<status> <reason>: <message>` LF.
    package static func errorResponse(
        status: Int, message: String, connectionOptions: String? = nil, extraHeaders: [(String, String)] = []
    ) -> [UInt8] {
        let reason = reasonPhrase(for: status)
        let body = "\(status) \(reason): \(message)\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: connectionOptions.map { "\($0), close" } ?? "close")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + body.utf8.count)
        HTTPResponseHead(status: status, reason: reason, headers: headers).encode(into: &bytes)
        bytes.append(contentsOf: body.utf8)
        return bytes
    }
}
