/// The client side of the RFC 6455 §4.1 opening handshake: the request to send and the checks on
/// the server's response.
///
/// The benchmark offers no subprotocol, and no extension unless `offersDeflate`: then it offers
/// permessage-deflate as Chromium does (`DeflateNegotiation.chromiumOffer`). A response that
/// selects anything not offered fails (§4.1, client rules 5 and 6). Not checked: HTTP header syntax
/// beyond what these rules need.
public struct ClientHandshake: Sendable {
    /// `Sec-WebSocket-Key`: base64 of 16 random bytes (§4.1, request rule 7).
    public let key: String
    /// What `Sec-WebSocket-Accept` must be (§4.2.2, step 5.4).
    public let expectedAccept: String
    /// Offer permessage-deflate (RFC 7692) the way Chromium does.
    public let offersDeflate: Bool

    /// The longest response head accepted before giving up.
    public static let maxResponseHead = 8192

    public enum Response: Equatable, Sendable {
        /// The blank line that ends the head has not arrived yet.
        case incomplete
        /// A valid 101; frames start `headLength` bytes into the buffer. `deflate`: what the server
        /// agreed to, when it accepted the permessage-deflate offer.
        case accepted(headLength: Int, deflate: DeflateParameters?)
        case rejected(String)
    }

    public init(nonce: [UInt8], offersDeflate: Bool = false) {
        precondition(nonce.count == 16, "RFC 6455 §4.1: the key is a 16-byte nonce")
        self.key = Base64.encode(nonce)
        self.expectedAccept = Self.acceptValue(forKey: self.key)
        self.offersDeflate = offersDeflate
    }

    /// RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)))
    }

    public func request(host: String, port: Int, path: String) -> [UInt8] {
        Array(
            ("GET \(path) HTTP/1.1\r\n"
                + "Host: \(host):\(port)\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: \(self.key)\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (self.offersDeflate ? "Sec-WebSocket-Extensions: \(DeflateNegotiation.chromiumOffer)\r\n" : "")
                + "User-Agent: callgate-bench-loadgen\r\n"
                + "\r\n").utf8
        )
    }

    /// Looks at the bytes received so far and decides on the response.
    public func parseResponse(_ bytes: UnsafeRawBufferPointer) -> Response {
        guard let end = Self.endOfHead(bytes) else {
            return bytes.count > Self.maxResponseHead
                ? .rejected("response head longer than \(Self.maxResponseHead) bytes")
                : .incomplete
        }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = lines.popFirst().map(String.init) ?? ""

        // §4.1, client rule 1: anything but 101 means the handshake did not happen.
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", statusParts[1] == "101" else {
            return .rejected("expected 'HTTP/1.1 101 Switching Protocols', got '\(statusLine)'")
        }

        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .rejected("malformed header line '\(line)'") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }

        // §4.1, client rule 2: Upgrade must be "websocket", case-insensitively.
        guard headers["upgrade"]?.lowercased() == "websocket" else {
            return .rejected("Upgrade header is '\(headers["upgrade"] ?? "missing")', not 'websocket'")
        }
        // §4.1, client rule 3: Connection must contain the token "Upgrade", case-insensitively.
        let connectionTokens = (headers["connection"] ?? "").lowercased().split(separator: ",").map { $0.trimmingSpaces() }
        guard connectionTokens.contains("upgrade") else {
            return .rejected("Connection header is '\(headers["connection"] ?? "missing")', without 'Upgrade'")
        }
        // §4.1, client rule 4: Sec-WebSocket-Accept must be the key's digest.
        guard headers["sec-websocket-accept"] == self.expectedAccept else {
            return .rejected("Sec-WebSocket-Accept is '\(headers["sec-websocket-accept"] ?? "missing")', expected '\(self.expectedAccept)'")
        }
        // §4.1, client rules 5 and 6: only what was offered may be chosen.
        var deflate: DeflateParameters?
        if let extensions = headers["sec-websocket-extensions"] {
            guard self.offersDeflate else { return .rejected("server selected extensions '\(extensions)' that were not offered") }
            switch DeflateNegotiation.validate(response: extensions) {
            case .declined: break
            case .accepted(let parameters): deflate = parameters
            case .invalid(let reason): return .rejected("permessage-deflate response: \(reason)")
            }
        }
        if let proto = headers["sec-websocket-protocol"] {
            return .rejected("server selected subprotocol '\(proto)' that was not offered")
        }
        return .accepted(headLength: end + 4, deflate: deflate)
    }

    /// Offset of the "\r\n\r\n" that ends the head, if it has arrived.
    private static func endOfHead(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
