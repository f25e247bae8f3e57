/// The fan-out trigger's HTTP/1.1 exchange (RFC 9112): one request on a fresh connection, with
/// `Connection: close`, and its response read back.
public enum HTTPExchange {
    /// A bodiless request; `target` is the path and query as given.
    public static func request(method: String, target: String, host: String, authorization: String?) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\nContent-Length: 0\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        head += "User-Agent: callgate-bench-loadgen\r\nConnection: close\r\n\r\n"
        return Array(head.utf8)
    }

    /// `text` for a path segment or query value: RFC 3986 §2.3's unreserved characters as they
    /// are, every other byte of the UTF-8 as %XX.
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return out
    }

    public struct Response: Equatable, Sendable {
        public var status: Int
        public var statusLine: String
        public var body: [UInt8]
        public var bodyText: String { String(decoding: self.body, as: UTF8.self) }
    }

    public enum Parse: Equatable, Sendable {
        case incomplete
        case complete(Response)
        case invalid(String)
    }

    /// The response in `bytes` so far. `endOfStream`: the server has closed, so a body without
    /// `Content-Length` or chunked coding ends here (RFC 9112 §6.3, rule 8).
    public static func parse(_ bytes: [UInt8], endOfStream: Bool) -> Parse {
        guard let headEnd = Self.find([13, 10, 13, 10], in: bytes, from: 0) else {
            return endOfStream ? .invalid("the connection closed before a complete response head (\(bytes.count) bytes)") : .incomplete
        }
        let head = String(decoding: bytes[0..<headEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = String(lines.popFirst() ?? "")
        // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            return .invalid("malformed status line '\(statusLine)'")
        }
        var contentLength: Int?
        var chunked = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .invalid("malformed header line '\(line)'") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].filter { $0 != " " && $0 != "\t" }
            if name == "content-length" {
                guard let length = Int(value), length >= 0 else { return .invalid("bad Content-Length '\(value)'") }
                contentLength = length
            } else if name == "transfer-encoding" {
                chunked = value.lowercased().hasSuffix("chunked")
            }
        }
        let bodyStart = headEnd + 4
        let rest = Array(bytes[bodyStart...])
        if chunked {
            switch Self.dechunk(rest) {
            case .some(let body): return .complete(Response(status: status, statusLine: statusLine, body: body))
            case .none: return endOfStream ? .invalid("the connection closed inside a chunked body") : .incomplete
            }
        }
        if let contentLength {
            guard rest.count >= contentLength else {
                return endOfStream ? .invalid("the connection closed after \(rest.count) of \(contentLength) body bytes") : .incomplete
            }
            return .complete(Response(status: status, statusLine: statusLine, body: Array(rest[0..<contentLength])))
        }
        // 1xx, 204 and 304 have no body (RFC 9112 §6.3, rule 1).
        if status < 200 || status == 204 || status == 304 { return .complete(Response(status: status, statusLine: statusLine, body: [])) }
        return endOfStream ? .complete(Response(status: status, statusLine: statusLine, body: rest)) : .incomplete
    }

    /// RFC 9112 §7.1: the body of a complete chunked coding (extensions and trailers ignored), or
    /// nil while incomplete.
    static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        var at = 0
        while true {
            guard let lineEnd = Self.find([13, 10], in: bytes, from: at) else { return nil }
            let sizeText = String(decoding: bytes[at..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces, radix: 16) else { return nil }
            at = lineEnd + 2
            if size == 0 { return Self.find([13, 10, 13, 10], in: bytes, from: at - 2) != nil ? body : nil }
            guard bytes.count >= at + size + 2 else { return nil }
            body.append(contentsOf: bytes[at..<at + size])
            at += size + 2
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        outer: for i in start...(bytes.count - needle.count) {
            for k in 0..<needle.count where bytes[i + k] != needle[k] { continue outer }
            return i
        }
        return nil
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String { String(self.filter { $0 != " " && $0 != "\t" }) }
}
