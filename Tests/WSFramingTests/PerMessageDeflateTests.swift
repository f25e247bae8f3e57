// Over 400 lines on purpose: one codec (RFC 7692 §7.2), its vectors, limits and splits.
import Testing
@testable import WSFraming

/// The codec, RFC 7692 §7.2. Vectors are the §7.2.3 examples byte for byte.
@Suite struct PerMessageDeflateTests {
    static let hello: [UInt8] = Array("Hello".utf8)

    // MARK: RFC 7692 §7.2.3 vectors

    /// §7.2.3.1: "Hello" in one compressed DEFLATE block (the frame is `c1 07 f2 48 cd c9 c9 07 00`).
    @Test(arguments: [Role.server, .client])
    func rfc7692_7_2_3_1_compressesHello(role: Role) throws {
        let codec = PerMessageDeflate(parameters: .init(), role: role, options: .init())
        #expect(try codec.compress(Self.hello) == [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
    }

    /// §7.2.3.2: the same message twice with context takeover; the second is a back-reference.
    @Test(arguments: [Role.server, .client])
    func rfc7692_7_2_3_2_sharesTheWindow(role: Role) throws {
        let sender = PerMessageDeflate(parameters: .init(), role: role, options: .init())
        let first = try sender.compress(Self.hello)
        let second = try sender.compress(Self.hello)
        #expect(first == [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        #expect(second == [0xF2, 0x00, 0x11, 0x00, 0x00])

        for fragments in splits(second) {
            let receiver = PerMessageDeflate(parameters: .init(), role: role.peer, options: .init())
            #expect(try receiver.decompress([first]) == Self.hello)
            #expect(try receiver.decompress(fragments) == Self.hello, "fragments \(fragments)")
        }
    }

    /// §7.2.3.2 under `*_no_context_takeover` (§7.1.1): each message compresses as if it were the first.
    @Test(arguments: [Role.server, .client])
    func noContextTakeoverRepeatsTheFirstEncoding(role: Role) throws {
        let parameters = PerMessageDeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true)
        let sender = PerMessageDeflate(parameters: parameters, role: role, options: .init())
        #expect(try sender.compress(Self.hello) == [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        #expect(try sender.compress(Self.hello) == [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
    }

    /// The §7.2.3 payloads a receiver must inflate, each fed split at every offset.
    static let receivedVectors: [(section: String, payload: [UInt8], message: [UInt8])] = [
        // §7.2.3.1: one compressed block.
        ("7.2.3.1", [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00], hello),
        // §7.2.3.3: a DEFLATE block with no compression.
        ("7.2.3.3", [0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00], hello),
        // §7.2.3.4: a block with BFINAL set, then the header bits of the stripped empty block.
        ("7.2.3.4", [0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00], hello),
        // §7.2.3.5: two DEFLATE blocks in one message ("He", sync flush, "llo").
        ("7.2.3.5", [0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00], hello),
        // §7.2.3.6: an empty message.
        ("7.2.3.6", [0x00], []),
    ]

    /// With the connection's own decompressor (the peer keeps its context) and with the pool's
    /// shared one (the peer resets per message), where another connection inflates a message on
    /// the same pool between every two fragments.
    @Test(arguments: [false, true])
    func rfc7692_7_2_3_vectorsInflateSplitAtEveryOffset(peerResets: Bool) throws {
        let parameters = PerMessageDeflateParameters(serverNoContextTakeover: peerResets, clientNoContextTakeover: peerResets)
        for vector in Self.receivedVectors {
            for role in [Role.server, .client] {
                let pool = DeflateStreamPool()
                let other = PerMessageDeflate(parameters: parameters, role: role, options: .init(), pool: pool)
                for fragments in splits(vector.payload) {
                    let receiver = PerMessageDeflate(parameters: parameters, role: role, options: .init(), pool: pool)
                    var output: [UInt8] = []
                    for (index, fragment) in fragments.enumerated() {
                        try fragment.withUnsafeBytes {
                            try receiver.decompress($0, isFinal: index == fragments.count - 1, limit: .max, into: &output)
                        }
                        #expect(try other.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
                    }
                    #expect(output == vector.message, "§\(vector.section) \(fragments)")
                }
            }
        }
    }

    /// §7.2.3.1: "Hello" sent as two frames, `41 03 f2 48 cd` and `80 04 c9 c9 07 00`.
    @Test func rfc7692_7_2_3_1_fragmentedHello() throws {
        let receiver = PerMessageDeflate(parameters: .init(), role: .client, options: .init())
        #expect(try receiver.decompress([[0xF2, 0x48, 0xCD], [0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
    }

    /// §7.2.3.6: compressing an empty message gives the single octet `00`.
    @Test func rfc7692_7_2_3_6_emptyMessage() throws {
        let codec = PerMessageDeflate(parameters: .init(), role: .server, options: .init())
        #expect(try codec.compress([]) == [0x00])
        #expect(try codec.compress([]) == [0x00])
        let receiver = PerMessageDeflate(parameters: .init(), role: .client, options: .init())
        #expect(try receiver.decompress([[0x00]]) == [])
        #expect(try receiver.decompress([[0x00]]) == [])
    }

    /// §7.2.3.4: a sender that ends its DEFLATE stream starts a new one for the next message.
    @Test func bfinalBlockThenAFreshStream() throws {
        let receiver = PerMessageDeflate(parameters: .init(), role: .server, options: .init())
        #expect(try receiver.decompress([[0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00]]) == Self.hello)
        // A final stored block with no data, whose LEN and NLEN are the appended 00 00 ff ff.
        #expect(try receiver.decompress([[0x01]]) == [])
        let text = compressibleText(count: 5000)
        let freshSender = PerMessageDeflate(parameters: .init(), role: .client, options: .init())
        #expect(try receiver.decompress([freshSender.compress(text)]) == text)
        #expect(try receiver.decompress([freshSender.compress(text)]) == text)
    }

    // MARK: Round trips

    /// Both roles, with and without no_context_takeover, window bits 9 to 15; several messages in a
    /// row so context takeover is exercised, each split into frames of an odd size.
    @Test(arguments: [Role.server, .client], [false, true])
    func roundTrips(role: Role, noContextTakeover: Bool) throws {
        let text = compressibleText(count: 1 << 20)
        let random = randomBytes(count: 64 << 10, seed: 7)
        let messages: [[UInt8]] = [[], Self.hello, Array(text.prefix(300)), random, text, text, [0x42]]
        for bits in 9...15 {
            let parameters = PerMessageDeflateParameters(
                serverMaxWindowBits: bits, clientMaxWindowBits: bits,
                serverNoContextTakeover: noContextTakeover, clientNoContextTakeover: noContextTakeover
            )
            let sender = PerMessageDeflate(parameters: parameters, role: role, options: .init(serverMaxWindowBits: 15))
            let receiver = PerMessageDeflate(parameters: parameters, role: role.peer, options: .init(serverMaxWindowBits: 15))
            #expect(sender.compressionWindowBits == bits)
            for message in messages {
                let compressed = try sender.compress(message)
                let frames = stride(from: 0, to: max(compressed.count, 1), by: 4093).map {
                    Array(compressed[$0..<min($0 + 4093, compressed.count)])
                }
                let inflated = try receiver.decompress(frames)
                #expect(inflated == message, "\(bits) bits, \(message.count) bytes")
            }
            // Context takeover: a repeated short message becomes a back-reference; without it, the
            // encoding repeats.
            let short = Array(text.prefix(100))
            let first = try sender.compress(short)
            let again = try sender.compress(short)
            #expect(noContextTakeover ? again == first : again.count < first.count, "\(bits) bits")
            #expect(try receiver.decompress([first]) == short)
            #expect(try receiver.decompress([again]) == short)
        }
    }

    @Test(arguments: [Role.server, .client])
    func roundTripsLargeRandomMessage(role: Role) throws {
        let message = randomBytes(count: 1 << 20, seed: 42)
        let sender = PerMessageDeflate(parameters: .init(), role: role, options: .init())
        let receiver = PerMessageDeflate(parameters: .init(), role: role.peer, options: .init())
        let compressed = try sender.compress(message)
        #expect(compressed.count < message.count + message.count / 100) // stored blocks, small overhead
        #expect(try receiver.decompress([compressed]) == message)
    }

    /// §7.1.2: the agreed window is respected. A random block repeated 2,300 bytes later can only
    /// be referenced with a window of 2^12 bytes or more.
    @Test func compressionWindowIsTheAgreedOne() throws {
        let block = randomBytes(count: 300, seed: 1)
        let message = block + randomBytes(count: 2000, seed: 2) + block
        for bits in 9...15 {
            let parameters = PerMessageDeflateParameters(serverMaxWindowBits: bits)
            let codec = PerMessageDeflate(parameters: parameters, role: .server, options: .init(serverMaxWindowBits: 15))
            let size = try codec.compress(message).count
            if bits < 12 {
                #expect(size >= message.count, "\(bits) bits: \(size)")
            } else {
                #expect(size < message.count - 200, "\(bits) bits: \(size)")
            }
        }
    }

    /// §7.1: server compresses with server_*, client with client_*; `options` can only lower our window.
    @Test func parametersApplyPerRole() {
        let parameters = PerMessageDeflateParameters(
            serverMaxWindowBits: 10, clientMaxWindowBits: 12, serverNoContextTakeover: true, clientNoContextTakeover: false
        )
        let server = PerMessageDeflate(parameters: parameters, role: .server, options: .init())
        #expect(server.compressionWindowBits == 10)
        #expect(server.resetsCompressorPerMessage && !server.resetsDecompressorPerMessage)
        let client = PerMessageDeflate(parameters: parameters, role: .client, options: .init())
        #expect(client.compressionWindowBits == 12)
        #expect(!client.resetsCompressorPerMessage && client.resetsDecompressorPerMessage)
        let cappedServer = PerMessageDeflate(parameters: parameters, role: .server, options: .init(serverMaxWindowBits: 9))
        #expect(cappedServer.compressionWindowBits == 9)
    }

    // MARK: When not to compress

    @Test func shouldCompressHonoursTheMinimumSize() {
        let codec = PerMessageDeflate(parameters: .init(), role: .server, options: .init())
        #expect(!codec.shouldCompress(messageSize: 0))
        #expect(!codec.shouldCompress(messageSize: 63))
        #expect(codec.shouldCompress(messageSize: 64))
        let always = PerMessageDeflate(parameters: .init(), role: .server, options: .init(minimumSizeToCompress: 0))
        #expect(always.shouldCompress(messageSize: 0))
    }

    /// zlib cannot deflate with an 8-bit window, so a connection that agreed to one sends every
    /// message uncompressed (RFC 7692 §6), yet still inflates what the peer compresses.
    @Test(arguments: [Role.server, .client])
    func eightBitWindowSendsUncompressed(role: Role) throws {
        let parameters = PerMessageDeflateParameters(serverMaxWindowBits: 8, clientMaxWindowBits: 8)
        let pool = DeflateStreamPool()
        let codec = PerMessageDeflate(parameters: parameters, role: role, options: .init(minimumSizeToCompress: 0), pool: pool)
        #expect(!codec.shouldCompress(messageSize: 0))
        #expect(!codec.shouldCompress(messageSize: 1 << 20))
        #expect(throws: WebSocketError.zlibInitFailed) { try codec.compress(Self.hello) }
        #expect(pool.streamCount == 0)
        // The peer's compressed messages still inflate (with a 9-bit window: see decompressionWindowBits).
        #expect(try codec.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
    }

    /// Memory: a stream exists only once it is used; the compressor is the pool's, and so is the
    /// decompressor unless the peer keeps its context.
    @Test func streamsAreCreatedLazily() throws {
        let pool = DeflateStreamPool()
        let codec = PerMessageDeflate(parameters: .init(), role: .server, options: .init(), pool: pool)
        #expect(pool.streamCount == 0 && !codec.holdsDecompressor && codec.historyCount == 0)
        _ = try codec.compress(Self.hello)
        #expect(pool.streamCount == 1 && !codec.holdsDecompressor && codec.historyCount == 5)
        _ = try codec.decompress([[0x00]])
        #expect(pool.streamCount == 1 && codec.holdsDecompressor)

        let resetting = PerMessageDeflate(parameters: .init(clientNoContextTakeover: true), role: .server, options: .init(), pool: pool)
        _ = try resetting.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]])
        #expect(pool.streamCount == 2 && !resetting.holdsDecompressor)
    }

    // MARK: The inflate limit (docs/style.md §9)

    /// A decompression bomb: 10 MiB of zeros deflates to about 10 KiB; with a 1 MiB limit inflation
    /// stops at the limit instead of allocating 10 MiB.
    @Test func inflateLimitStopsADecompressionBomb() throws {
        let bomb = try PerMessageDeflate(parameters: .init(), role: .client, options: .init())
            .compress([UInt8](repeating: 0, count: 10 << 20))
        #expect(bomb.count < 16 << 10)

        let limit = 1 << 20
        for frameSize in [bomb.count, 1000] {
            let receiver = PerMessageDeflate(parameters: .init(), role: .server, options: .init())
            var output: [UInt8] = []
            var thrown: (any Error)?
            do {
                for start in stride(from: 0, to: bomb.count, by: frameSize) {
                    let end = min(start + frameSize, bomb.count)
                    try bomb[start..<end].withUnsafeBytes {
                        try receiver.decompress($0, isFinal: end == bomb.count, limit: limit, into: &output)
                    }
                }
            } catch {
                thrown = error
            }
            #expect(thrown as? WebSocketError == .inflatedMessageTooLarge(limit: limit))
            #expect(output.count <= limit + PerMessageDeflate.chunkSize)
            #expect(output.count == limit + 1) // zlib was never given room beyond one byte past the limit
        }
    }

    /// A message that inflates to exactly the limit passes; one byte less fails.
    @Test func inflateLimitIsInclusive() throws {
        let message = compressibleText(count: 100_000)
        let compressed = try PerMessageDeflate(parameters: .init(), role: .server, options: .init()).compress(message)
        let receiver = PerMessageDeflate(parameters: .init(), role: .client, options: .init())
        #expect(try receiver.decompress([compressed], limit: message.count) == message)
        let strict = PerMessageDeflate(parameters: .init(), role: .client, options: .init())
        #expect(throws: WebSocketError.inflatedMessageTooLarge(limit: message.count - 1)) {
            try strict.decompress([compressed], limit: message.count - 1)
        }
    }

    /// The limit bounds `output.count`, including what earlier frames of the message appended.
    @Test func inflateLimitCountsEarlierFrames() throws {
        let message = compressibleText(count: 10_000)
        let compressed = try PerMessageDeflate(parameters: .init(), role: .server, options: .init()).compress(message)
        let receiver = PerMessageDeflate(parameters: .init(), role: .client, options: .init())
        var output = [UInt8](repeating: 0xAA, count: 5_000)
        #expect(throws: WebSocketError.inflatedMessageTooLarge(limit: 14_999)) {
            try compressed.withUnsafeBytes { try receiver.decompress($0, isFinal: true, limit: 14_999, into: &output) }
        }
    }

    // MARK: Corrupt input

    @Test func corruptInputThrowsInflateFailed() {
        // BTYPE 11 is reserved (RFC 1951 §3.2.3).
        #expect(throws: WebSocketError.inflateFailed) {
            try PerMessageDeflate(parameters: .init(), role: .server, options: .init()).decompress([[0xFF, 0xFF, 0xFF, 0xFF]])
        }
        // A stored block whose NLEN is not the complement of LEN.
        #expect(throws: WebSocketError.inflateFailed) {
            try PerMessageDeflate(parameters: .init(), role: .server, options: .init())
                .decompress([[0x00, 0x05, 0x00, 0xFA, 0xFE, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00]])
        }
        // §7.2.3.2's second message refers back to a first message this receiver never saw.
        #expect(throws: WebSocketError.inflateFailed) {
            try PerMessageDeflate(parameters: .init(), role: .server, options: .init()).decompress([[0xF2, 0x00, 0x11, 0x00, 0x00]])
        }
    }

    /// §7.2.2: payload + `00 00 ff ff` must end where a DEFLATE block ends. A message cut short
    /// would otherwise be delivered in part, and leave the decompressor mid-block for the next one.
    @Test func truncatedMessageThrowsInflateFailed() throws {
        let message = compressibleText(count: 2000)
        let compressed = try PerMessageDeflate(parameters: .init(), role: .server, options: .init()).compress(message)
        for cut in [1, 2, compressed.count / 2, compressed.count - 2] {
            #expect(throws: WebSocketError.inflateFailed, "cut at \(cut)") {
                try PerMessageDeflate(parameters: .init(), role: .client, options: .init()).decompress([Array(compressed.prefix(cut))])
            }
        }
        #expect(throws: WebSocketError.inflateFailed) {
            try PerMessageDeflate(parameters: .init(), role: .client, options: .init()).decompress([[0xF2, 0x48]])
        }
    }

    /// §7.2.1: the sender MUST remove the trailing `00 00 ff ff`; left on, the message does not end
    /// on a block boundary once ours is appended.
    @Test func unstrippedTailThrowsInflateFailed() {
        #expect(throws: WebSocketError.inflateFailed) {
            try PerMessageDeflate(parameters: .init(), role: .client, options: .init())
                .decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00, 0x00, 0xFF, 0xFF]])
        }
    }

    /// A compressed message with no payload bytes at all is taken as empty and leaves the
    /// decompressor's context as it was.
    @Test func emptyPayloadIsAnEmptyMessage() throws {
        let receiver = PerMessageDeflate(parameters: .init(), role: .server, options: .init())
        #expect(try receiver.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
        #expect(try receiver.decompress([[]]) == [])
        #expect(try receiver.decompress([[], [], []]) == [])
        #expect(try receiver.decompress([[0xF2, 0x00, 0x11, 0x00, 0x00]]) == Self.hello)
    }

    /// Under the peer's no_context_takeover the decompressor forgets each message, so a
    /// back-reference into the previous one is corrupt.
    @Test func decompressorResetsUnderPeerNoContextTakeover() throws {
        let parameters = PerMessageDeflateParameters(clientNoContextTakeover: true)
        let server = PerMessageDeflate(parameters: parameters, role: .server, options: .init())
        #expect(try server.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
        #expect(throws: WebSocketError.inflateFailed) { try server.decompress([[0xF2, 0x00, 0x11, 0x00, 0x00]]) }
    }
}

// MARK: Helpers

extension Role {
    var peer: Role { self == .server ? .client : .server }
}

extension PerMessageDeflate {
    func compress(_ message: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        try message.withUnsafeBytes { try compress($0, into: &output) }
        return output
    }

    /// Inflates one message given as its frames' payloads.
    func decompress(_ frames: [[UInt8]], limit: Int = .max) throws -> [UInt8] {
        var output: [UInt8] = []
        for (index, frame) in frames.enumerated() {
            try frame.withUnsafeBytes {
                try decompress($0, isFinal: index == frames.count - 1, limit: limit, into: &output)
            }
        }
        return output
    }
}

/// Every cut of `bytes` into two and three fragments, and one byte per fragment (docs/style.md §12).
func splits(_ bytes: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
    for i in 0...bytes.count {
        result.append([Array(bytes[..<i]), Array(bytes[i...])])
        for j in i...bytes.count {
            result.append([Array(bytes[..<i]), Array(bytes[i..<j]), Array(bytes[j...])])
        }
    }
    return result
}

/// Deterministic incompressible bytes (SplitMix64).
func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { word in
                for byte in word where offset < count {
                    raw[offset] = byte
                    offset += 1
                }
            }
        }
    }
    return bytes
}

/// Agent-event-like JSON lines, compressible as real gateway traffic is.
func compressibleText(count: Int) -> [UInt8] {
    var text: [UInt8] = []
    text.reserveCapacity(count + 128)
    var sequence = 0
    while text.count < count {
        let number = 4_930_000_000 + (sequence &* 7919) % 1_000_000
        text += Array(#"{"event":"callRinging","seq":\#(sequence),"number":"+\#(number)","queue":"sales"}"#.utf8)
        text.append(0x0A)
        sequence += 1
    }
    return Array(text.prefix(count))
}
