import Testing
@testable import HTTP1

/// What feeding bytes to a head parser produced.
enum HeadOutcome<Head: Equatable>: Equatable {
    case head(Head, length: Int)
    case incomplete
    case failed(HTTPError)
}

func httpBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Feeds `bytes` to `parser` as growing prefixes ending at each of `cuts`, then in full,
/// stopping at the first head or error.
func feed<Parser: HTTPHeadParsing>(_ parser: Parser, _ bytes: [UInt8], cuts: [Int]) -> HeadOutcome<Parser.Head> where Parser.Head: Equatable {
    var parser = parser
    do {
        for end in cuts + [bytes.count] {
            if let head = try parser.parse(Array(bytes[..<end])) {
                return .head(head, length: parser.headLength)
            }
        }
        return .incomplete
    } catch {
        return .failed(error)
    }
}

func feedRequest(_ bytes: [UInt8], cuts: [Int] = [], limits: HTTPLimits = HTTPLimits()) -> HeadOutcome<HTTPRequestHead> {
    feed(HTTPRequestParser(limits: limits), bytes, cuts: cuts)
}

func feedResponse(_ bytes: [UInt8], cuts: [Int] = [], limits: HTTPLimits = HTTPLimits()) -> HeadOutcome<HTTPResponseHead> {
    feed(HTTPResponseParser(limits: limits), bytes, cuts: cuts)
}

func requestError(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPError? {
    if case .failed(let error) = feedRequest(httpBytes(text), limits: limits) { return error }
    return nil
}

/// The RFC 6455 §1.2 sample client handshake.
let rfc6455SampleRequest =
    "GET /chat HTTP/1.1\r\n" +
    "Host: server.example.com\r\n" +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
    "Origin: http://example.com\r\n" +
    "Sec-WebSocket-Protocol: chat, superchat\r\n" +
    "Sec-WebSocket-Version: 13\r\n" +
    "\r\n"

/// The RFC 6455 §1.2 sample server handshake.
let rfc6455SampleResponse =
    "HTTP/1.1 101 Switching Protocols\r\n" +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
    "Sec-WebSocket-Protocol: chat\r\n" +
    "\r\n"
