import Testing
@testable import HTTP1

@Suite struct HTTPChunkedDecoderTests {
    /// Decodes `bytes` fed in pieces ending at `cuts`; returns the body and the bytes consumed.
    func decode(_ bytes: [UInt8], cuts: [Int] = [], limits: HTTPLimits = HTTPLimits())
        -> Result<(body: [UInt8], consumed: Int, complete: Bool), HTTPError>
    {
        var decoder = HTTPChunkedDecoder(limits: limits)
        var body: [UInt8] = []
        var start = 0
        do {
            for end in cuts + [bytes.count] where end >= start {
                let consumed = try decoder.decode(Array(bytes[start..<end]), into: &body)
                if !decoder.isComplete { #expect(consumed == end - start, "an unfinished body consumes all its input") }
                start += consumed
                if decoder.isComplete { break }
            }
        } catch {
            return .failure(error)
        }
        return .success((body, start, decoder.isComplete))
    }

    func error(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPError? {
        if case .failure(let error) = decode(httpBytes(text), limits: limits) { return error }
        return nil
    }

    @Test func decodesChunks() throws {
        let raw = httpBytes("4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n")
        let result = try decode(raw).get()
        #expect(String(decoding: result.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
        #expect(result.consumed == raw.count)
        #expect(result.complete)
    }

    @Test func splitAtEveryOffsetGivesTheSameBody() throws {
        let raw = httpBytes("4;a=b\r\nWiki\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0;last\r\nX-Trailer: t\r\n\r\n")
        let whole = try decode(raw).get()
        #expect(whole.body.count == 30)
        for cut in 0...raw.count {
            let split = try decode(raw, cuts: [cut]).get()
            #expect(split.body == whole.body && split.consumed == raw.count, "cut at \(cut)")
        }
        let byByte = try decode(raw, cuts: Array(0..<raw.count)).get()
        #expect(byByte.body == whole.body && byByte.complete)
    }

    /// The bytes after the last chunk belong to the next (pipelined) message.
    @Test func stopsAtTheEndOfTheBody() throws {
        let raw = httpBytes("3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n")
        var decoder = HTTPChunkedDecoder()
        var body: [UInt8] = []
        let consumed = try decoder.decode(raw, into: &body)
        #expect(consumed == 13)
        #expect(decoder.isComplete)
        #expect(decoder.bodyLength == 3)
        #expect(try decoder.decode(raw, into: &body) == 0)
    }

    @Test func acceptedSyntax() {
        #expect(error("A\r\n0123456789\r\n0\r\n\r\n") == nil)
        #expect(error("a\r\n0123456789\r\n0\r\n\r\n") == nil)
        #expect(error("000a\r\n0123456789\r\n000\r\n\r\n") == nil)
        // RFC 9112 §7.1.1: BWS before ";" and extensions with quoted values.
        #expect(error("1 \t;ext=\"q; v\"\r\nx\r\n0\r\n\r\n") == nil)
        #expect(error("0\r\nA: 1\r\nB-Empty:\r\n\r\n") == nil)
    }

    @Test func rejectsMalformedChunkSizes() {
        #expect(error("\r\n") == .invalidChunkSize)
        #expect(error("g\r\n") == .invalidChunkSize)
        #expect(error("-1\r\n") == .invalidChunkSize)
        #expect(error("+1\r\n") == .invalidChunkSize)
        #expect(error("0x4\r\nWiki\r\n0\r\n\r\n") == .invalidChunkSize)
        #expect(error(" 4\r\nWiki\r\n0\r\n\r\n") == .invalidChunkSize)
        #expect(error("4 \r\nWiki\r\n0\r\n\r\n") == .invalidChunkSize)
        #expect(error("4 x\r\nWiki\r\n0\r\n\r\n") == .invalidChunkSize)
        // RFC 9112 §7.1: overflow is checked, not wrapped.
        #expect(error("10000000000000000\r\n") == .invalidChunkSize)
        #expect(error("FFFFFFFFFFFFFFFFFFFF\r\n") == .invalidChunkSize)
    }

    @Test func rejectsBadLineEndings() {
        #expect(error("4\nWiki\r\n0\r\n\r\n") == .bareLF)
        #expect(error("4;ext\nWiki\r\n0\r\n\r\n") == .bareLF)
        #expect(error("4\rWiki\r\n0\r\n\r\n") == .bareCR)
        #expect(error("4\r\nWikiX\r\n0\r\n\r\n") == .invalidChunkTerminator)
        #expect(error("4\r\nWiki\n0\r\n\r\n") == .invalidChunkTerminator)
        #expect(error("4\r\nWiki\rX0\r\n\r\n") == .invalidChunkTerminator)
        #expect(error("0\r\n\n") == .bareLF)
        #expect(error("0\r\nA: 1\n\r\n") == .bareLF)
        #expect(error("0\r\n\rX") == .bareCR)
    }

    @Test func rejectsBadExtensionsAndTrailers() {
        #expect(error("4;a\u{0}b\r\nWiki\r\n0\r\n\r\n") == .invalidChunkExtension)
        #expect(error("4;a\u{7F}\r\nWiki\r\n0\r\n\r\n") == .invalidChunkExtension)
        #expect(error("0\r\nA: 1\r\n b\r\n\r\n") == .obsoleteLineFolding)
        #expect(error("0\r\nA : 1\r\n\r\n") == .whitespaceBeforeColon)
        #expect(error("0\r\nA: \u{1}\r\n\r\n") == .invalidFieldValue)
        #expect(error("0\r\nno colon\r\n\r\n") == .whitespaceBeforeColon)
    }

    @Test func chunkLineLimit() {
        let limits = HTTPLimits(maxChunkLineBytes: 16)
        #expect(error("4;" + String(repeating: "e", count: 14) + "\r\nWiki\r\n0\r\n\r\n", limits: limits) == nil)
        #expect(error("4;" + String(repeating: "e", count: 15) + "\r\n", limits: limits) == .chunkLineTooLong(limit: 16))
        // Endless leading zeros are bounded by the same limit.
        #expect(error(String(repeating: "0", count: 17), limits: limits) == .chunkLineTooLong(limit: 16))
        // Default: 4096, checked before the CRLF arrives.
        #expect(error("1;" + String(repeating: "e", count: 5000)) == .chunkLineTooLong(limit: 4096))
    }

    @Test func bodyLimit() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        #expect(error("A\r\n0123456789\r\n0\r\n\r\n", limits: limits) == nil)
        // Known from the size alone, before any data arrives.
        #expect(error("B\r", limits: limits) == .bodyTooLarge(limit: 10))
        #expect(error("B;x", limits: limits) == .bodyTooLarge(limit: 10))
        // The sum of the chunks counts.
        #expect(error("6\r\n012345\r\n5\r\n", limits: limits) == .bodyTooLarge(limit: 10))
        #expect(HTTPError.bodyTooLarge(limit: 10).status == 413)
    }

    @Test func trailerLimits() {
        let limits = HTTPLimits(maxHeaderBytes: 32, maxHeaderCount: 2)
        #expect(error("0\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits) == nil)
        #expect(error("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == .tooManyFields(limit: 2))
        #expect(error("0\r\nA: " + String(repeating: "v", count: 40), limits: limits) == .headTooLarge(limit: 32))
    }
}
