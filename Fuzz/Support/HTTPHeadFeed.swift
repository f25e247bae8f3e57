import HTTP1
import WSFraming

/// What a head parser made of a byte stream fed in pieces: every head in order (pipelined heads
/// included), then how the stream ended.
public struct HTTPHeadFeed<Head: Equatable>: Equatable {
    public enum End: Equatable {
        /// The stream ended inside a head (or between heads).
        case incomplete
        case failed(HTTPError)
    }

    public var heads: [(head: Head, length: Int)] = []
    public var end = End.incomplete

    /// Feeds `pieces` to `parser` as a connection would: the bytes of the current head so far,
    /// growing by a piece at a time, and after each head the rest, which starts the next one.
    public init<Parser: HTTPHeadParsing>(_ parser: Parser, pieces: [[UInt8]], maxHeads: Int = 8) where Parser.Head == Head {
        var parser = parser
        var buffer: [UInt8] = []
        do throws(HTTPError) {
            for piece in pieces {
                buffer += piece
                while heads.count < maxHeads, let head = try parser.parse(buffer) {
                    heads.append((head, parser.headLength))
                    buffer.removeFirst(parser.headLength)
                }
            }
        } catch {
            end = .failed(error)
        }
    }

    public static func == (a: HTTPHeadFeed, b: HTTPHeadFeed) -> Bool {
        a.end == b.end && a.heads.elementsEqual(b.heads) { $0.head == $1.head && $0.length == $1.length }
    }
}

extension HTTPLimits {
    /// Limits chosen by a fuzz input's byte: the defaults, or small ones (so that inputs of a
    /// few hundred bytes reach every limit), fixed or drawn from the next bytes.
    public static func fuzzed(_ input: inout FuzzInput) -> HTTPLimits {
        switch input.byte() % 4 {
        case 0, 1:
            return HTTPLimits()
        case 2:
            return HTTPLimits(maxRequestLineBytes: 40, maxHeaderBytes: 128, maxHeaderCount: 4, maxBodyBytes: 64,
                              maxChunkLineBytes: 12)
        default:
            return HTTPLimits(maxRequestLineBytes: input.int(in: 1...300), maxHeaderBytes: input.int(in: 1...600),
                              maxHeaderCount: input.int(in: 0...20), maxBodyBytes: input.int(in: 0...1000),
                              maxChunkLineBytes: input.int(in: 1...40))
        }
    }

    /// Room for a head these limits accepted once it is written back out (`name: value` may be
    /// longer than the `name:value` received; U+FFFD is longer than the byte it replaced).
    public var roomForReencoding: HTTPLimits {
        HTTPLimits(maxRequestLineBytes: maxRequestLineBytes * 3 + 64, maxHeaderBytes: maxHeaderBytes * 4 + 256,
                   maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes, maxChunkLineBytes: maxChunkLineBytes)
    }
}

/// A complete response Callgate sends (an error answer, a 101): the head must parse with
/// Callgate's own response parser, with `status`, and `Content-Length` must be the body's length.
/// Returns the head.
@discardableResult
public func requireCompleteResponse(_ bytes: [UInt8], status: Int, _ what: @autoclosure () -> String) -> HTTPResponseHead {
    var parser = HTTPResponseParser()
    let head: HTTPResponseHead?
    do { head = try parser.parse(bytes) } catch {
        fatalError("property violated: \(what()) does not parse as a response: \(error)")
    }
    guard let head else { fatalError("property violated: \(what()) is not a complete response head") }
    requireEqual(head.status, status, "\(what()): status")
    let body = bytes.count - parser.headLength
    switch head.bodyFraming(requestMethod: "GET") {
    case .none: requireEqual(body, 0, "\(what()): bytes after a bodiless head")
    case .contentLength(let length): requireEqual(length, body, "\(what()): Content-Length")
    case .chunked, .untilClose: require(false, "\(what()): a body Callgate sends has a Content-Length")
    }
    return head
}
