// fuzz-options: -max_len=8192
import FuzzSupport
import HTTP1
import WSFraming

/// The chunked body decoder (RFC 9112 §7.1), on a request or response body. Input: a limits byte
/// (`HTTPLimits.fuzzed`), two bytes of cut point, a stride byte, then the body bytes.
///
/// Properties:
/// - the data, the bytes consumed, whether the body is complete and the error are the same
///   whether the bytes arrive whole, cut at one point, or in pieces of 1–16 bytes;
/// - a complete body holds exactly the bytes its chunk sizes announced, within `maxBodyBytes`;
/// - that data, sent again in chunks of the stride's size, decodes to the same data and ends
///   exactly where the chunked encoding ends.
@main enum HTTPChunkedFuzz {
    static func main() { Fuzzer.run(test) }

    struct Outcome: Equatable {
        var body: [UInt8] = []
        var consumed = 0
        var isComplete = false
        var error: HTTPError?
    }

    static func decode(_ pieces: [[UInt8]], limits: HTTPLimits) -> Outcome {
        var decoder = HTTPChunkedDecoder(limits: limits)
        var outcome = Outcome()
        for piece in pieces where !decoder.isComplete {
            do throws(HTTPError) {
                outcome.consumed += try decoder.decode(piece, into: &outcome.body)
            } catch {
                outcome.error = error
                outcome.consumed = 0 // after an error the stream is closed: nothing counts as consumed
                break
            }
        }
        outcome.isComplete = decoder.isComplete
        if decoder.isComplete {
            requireEqual(outcome.body.count, decoder.bodyLength, "data bytes against the announced chunk sizes")
        }
        return outcome
    }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let limits = HTTPLimits.fuzzed(&input)
        let cut = Int(input.uint16())
        let stride = input.int(in: 1...16)
        let bytes = input.remaining()

        let outcomes = Pieces.splits(count: bytes.count, cut: cut, stride: stride).map {
            decode(Pieces.cut(bytes, at: $0), limits: limits)
        }
        for (index, outcome) in outcomes.enumerated().dropFirst() {
            requireEqual(outcome, outcomes[0], "split \(index) against whole")
        }
        let outcome = outcomes[0]
        guard outcome.isComplete else { return }
        require(outcome.body.count <= limits.maxBodyBytes, "a body of \(outcome.body.count) bytes past \(limits.maxBodyBytes)")

        var encoded: [UInt8] = []
        for start in Swift.stride(from: 0, to: outcome.body.count, by: stride) {
            let chunk = outcome.body[start..<min(start + stride, outcome.body.count)]
            encoded += Array(String(chunk.count, radix: 16).utf8) + [0x0D, 0x0A] + chunk + [0x0D, 0x0A]
        }
        encoded += Array("0\r\n\r\n".utf8)
        var roomy = limits
        roomy.maxChunkLineBytes = 16
        let again = decode([encoded], limits: roomy)
        requireEqual(again, Outcome(body: outcome.body, consumed: encoded.count, isComplete: true), "re-chunked body")
    }
}
