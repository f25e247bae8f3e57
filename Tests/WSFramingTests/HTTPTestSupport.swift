import Testing
@testable import WSFraming

/// What feeding bytes to a head parser produced.
enum HeadOutcome<Head: Equatable>: Equatable {
    case head(Head, length: Int)
    case incomplete
    case failed(HTTPError)
}

func httpBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Feeds `bytes` to a fresh request parser as growing prefixes ending at each of `cuts`, then in
/// full, stopping at the first head or error.
func feedRequest(_ bytes: [UInt8], cuts: [Int] = [], limits: HTTPLimits = HTTPLimits()) -> HeadOutcome<HTTPRequestHead> {
    var parser = HTTPRequestParser(limits: limits)
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

func feedResponse(_ bytes: [UInt8], cuts: [Int] = [], limits: HTTPLimits = HTTPLimits()) -> HeadOutcome<HTTPResponseHead> {
    var parser = HTTPResponseParser(limits: limits)
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
