import LoadgenCore
import Testing

@Suite struct DeflateNegotiationTests {
    @Test func noHeaderOrAnEmptyOneIsADecline() {
        #expect(DeflateNegotiation.validate(response: nil) == .declined)
        #expect(DeflateNegotiation.validate(response: "") == .declined)
        #expect(DeflateNegotiation.validate(response: " , ") == .declined)
    }

    @Test func acceptancesAndTheirParameters() {
        #expect(DeflateNegotiation.validate(response: "permessage-deflate") == .accepted(DeflateParameters()))
        #expect(DeflateNegotiation.validate(response: "Permessage-Deflate ; Client_Max_Window_Bits=10") == .accepted(DeflateParameters(clientMaxWindowBits: 10)))
        // RFC 7692 §7.1.2.1: server_max_window_bits may come unasked; §7.1.1: both takeover flags.
        #expect(
            DeflateNegotiation.validate(response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9")
                == .accepted(DeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9)))
        // RFC 6455 §9.1: a value may be a quoted string.
        #expect(DeflateNegotiation.validate(response: "permessage-deflate; client_max_window_bits=\"12\"") == .accepted(DeflateParameters(clientMaxWindowBits: 12)))
        #expect(DeflateNegotiation.validate(response: "permessage-deflate; client_max_window_bits=8") == .accepted(DeflateParameters(clientMaxWindowBits: 8)))
    }

    @Test func responsesTheClientMustFail() {
        let bad = [
            "x-webkit-deflate-frame",  // not offered (RFC 6455 §4.1, client rule 5)
            "permessage-deflate, permessage-deflate",  // RFC 7692 §5: one element
            "permessage-deflate; foo",  // §7: unknown parameter
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",  // §7: duplicate
            "permessage-deflate; server_no_context_takeover=1",  // §7.1.1.1: no value
            "permessage-deflate; client_max_window_bits",  // §7.1.2.2: a response gives a value
            "permessage-deflate; client_max_window_bits=16",
            "permessage-deflate; server_max_window_bits=7",
            "permessage-deflate; server_max_window_bits=09",  // leading zero
            "permessage-deflate; server_max_window_bits=",
        ]
        for value in bad {
            guard case .invalid = DeflateNegotiation.validate(response: value) else {
                Issue.record("accepted: \(value)")
                continue
            }
        }
    }
}

@Suite struct ClientDeflateTests {
    private func decompress(_ codec: ClientDeflate, _ payload: [UInt8], capacity: Int = 256) throws -> String {
        var out = [UInt8](repeating: 0, count: capacity)
        let n = try payload.withUnsafeBytes { input in try out.withUnsafeMutableBytes { try codec.decompress(input, into: $0.baseAddress!, capacity: $0.count) } }
        return String(decoding: out[0..<n], as: UTF8.self)
    }

    // RFC 7692 §7.2.3.1 and §7.2.3.2: "Hello", then "Hello" again sharing the LZ77 window.
    let hello: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
    let helloAgain: [UInt8] = [0xF2, 0x00, 0x11, 0x00, 0x00]

    @Test func rfcCompressedHelloTwiceWithContextTakeover() throws {
        let codec = ClientDeflate(parameters: DeflateParameters())
        #expect(try self.compress(codec, "Hello") == self.hello)
        #expect(try self.compress(codec, "Hello") == self.helloAgain)
    }

    @Test func clientNoContextTakeoverResetsEveryMessage() throws {
        let codec = ClientDeflate(parameters: DeflateParameters(clientNoContextTakeover: true))
        #expect(try self.compress(codec, "Hello") == self.hello)
        #expect(try self.compress(codec, "Hello") == self.hello)
    }

    @Test func aSmallerClientWindowStillReadsAsDeflate() throws {
        // §7.1.2.2: the client may use a smaller window than allowed; a 15-bit inflater reads it.
        let small = ClientDeflate(parameters: DeflateParameters(), compressionWindowBits: 9, memoryLevel: 1)
        let reader = ClientDeflate(parameters: DeflateParameters())
        for k in 0..<20 {
            let text = String(repeating: "agent \(k) rings queue ", count: 30)
            #expect(try self.decompress(reader, try self.compress(small, text), capacity: 4096) == text)
        }
    }

    @Test func anEightBitClientWindowMeansNoCompression() {
        #expect(!ClientDeflate(parameters: DeflateParameters(clientMaxWindowBits: 8)).canCompress)
        #expect(ClientDeflate(parameters: DeflateParameters(clientMaxWindowBits: 9)).canCompress)
    }

    @Test func rfcDecompressionVectors() throws {
        let codec = ClientDeflate(parameters: DeflateParameters())
        #expect(try self.decompress(codec, self.hello) == "Hello")
        #expect(try self.decompress(codec, self.helloAgain) == "Hello")
        // §7.2.3.3: a block with no compression; §7.2.3.5: two blocks in one message.
        #expect(try self.decompress(codec, [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00]) == "Hello")
        #expect(try self.decompress(codec, [0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00]) == "Hello")
    }

    @Test func aFinalBlockEndsTheStreamAndTheNextMessageStartsAfresh() throws {
        // §7.2.3.4: BFINAL set; the sender then starts a new stream for its next message.
        let codec = ClientDeflate(parameters: DeflateParameters())
        #expect(try self.decompress(codec, [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00]) == "Hello")
        #expect(try self.decompress(codec, self.hello) == "Hello")
    }

    @Test func serverNoContextTakeoverReadsEachMessageAlone() throws {
        let codec = ClientDeflate(parameters: DeflateParameters(serverNoContextTakeover: true))
        #expect(try self.decompress(codec, self.hello) == "Hello")
        #expect(try self.decompress(codec, self.hello) == "Hello")
    }

    @Test func roundTripsManyMessagesThroughOneContext() throws {
        let client = ClientDeflate(parameters: DeflateParameters())
        let server = ClientDeflate(parameters: DeflateParameters())
        var buffer = [UInt8](repeating: 0, count: 8192)
        for sequence in 1...200 {
            let size = EchoPayload.size(random: UInt64(sequence) &* 0x9E37_79B9_7F4A_7C15, minimum: 80, maximum: 4096)
            var message = [UInt8](repeating: 0, count: size)
            message.withUnsafeMutableBytes { EchoPayload.write(connection: 3, sequence: UInt64(sequence), size: size, to: $0.baseAddress!) }
            let payload = try self.compress(client, String(decoding: message, as: UTF8.self), capacity: 8192)
            let n = try payload.withUnsafeBytes { input in try buffer.withUnsafeMutableBytes { try server.decompress(input, into: $0.baseAddress!, capacity: $0.count) } }
            #expect(Array(buffer[0..<n]) == message)
            #expect(payload.count < size)
        }
    }

    @Test func outputThatDoesNotFitIsAnError() {
        let codec = ClientDeflate(parameters: DeflateParameters())
        #expect(throws: ClientDeflate.Failure.outputTooSmall) { try self.decompress(codec, self.hello, capacity: 3) }
        #expect(throws: ClientDeflate.Failure.self) { try self.decompress(ClientDeflate(parameters: DeflateParameters()), [0xFF, 0xFF, 0xFF]) }
    }

    private func compress(_ codec: ClientDeflate, _ text: String, capacity: Int = 256) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: capacity)
        let message = Array(text.utf8)
        let n = try message.withUnsafeBytes { input in try out.withUnsafeMutableBytes { try codec.compress(input, into: $0.baseAddress!, capacity: $0.count) } }
        return Array(out[0..<n])
    }
}
