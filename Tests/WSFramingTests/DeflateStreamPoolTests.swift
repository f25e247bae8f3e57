import Testing
@testable import WSFraming

/// The sharing rule of `DeflateStreamPool`: codecs of one thread share its zlib streams, and
/// what one connection's peer receives never depends on another connection's messages.
@Suite struct DeflateStreamPoolTests {
    static let hello: [UInt8] = Array("Hello".utf8)
    /// Our side keeps its context (the default), the peer resets per message (the default answer).
    static let defaults = PerMessageDeflateParameters(serverMaxWindowBits: 12, clientNoContextTakeover: true)
    static let noContext = PerMessageDeflateParameters(serverMaxWindowBits: 12, serverNoContextTakeover: true, clientNoContextTakeover: true)

    /// A receiver in the peer's role with its own pool: a browser's decompressor.
    static func peer(of parameters: PerMessageDeflateParameters) -> PerMessageDeflate {
        PerMessageDeflate(parameters: parameters, role: .client, options: .init(serverMaxWindowBits: 15))
    }

    /// Without context takeover, a message compressed on the shared stream, after another codec
    /// left its context there, is the fresh encoding and inflates with a fresh decompressor.
    @Test func sharedStreamWithoutContextInflatesWithAFreshOne() throws {
        let pool = DeflateStreamPool()
        let keeping = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init(serverMaxWindowBits: 15), pool: pool)
        let resetting = PerMessageDeflate(parameters: Self.noContext, role: .server, options: .init(serverMaxWindowBits: 15), pool: pool)
        let text = compressibleText(count: 3000)
        _ = try keeping.compress(text)
        let shared = try resetting.compress(text)
        let alone = try PerMessageDeflate(parameters: Self.noContext, role: .server, options: .init(serverMaxWindowBits: 15)).compress(text)
        #expect(shared == alone)
        #expect(try Self.peer(of: Self.noContext).decompress([shared]) == text)
        #expect(resetting.historyCount == 0)
        #expect(pool.streamCount == 1)
    }

    /// Context takeover does not leak: a second connection's first message, compressed right
    /// after the first connection sent the same bytes on the same stream, refers to nothing.
    @Test func noContextLeaksBetweenConnections() throws {
        let pool = DeflateStreamPool()
        let first = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init(), pool: pool)
        let second = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init(), pool: pool)
        let text = compressibleText(count: 1000)
        let fromFirst = try first.compress(text)
        let fromSecond = try second.compress(text)
        #expect(fromSecond == fromFirst, "the second connection's first message is a fresh encoding too")
        #expect(try Self.peer(of: Self.defaults).decompress([fromSecond]) == text)
        // The first connection's next message still refers back into its own first one.
        let again = try first.compress(text)
        #expect(again.count < fromFirst.count / 4)
    }

    /// Connections take turns on one shared compressor, each keeping its context: every message
    /// inflates at its own peer, which holds only that connection's messages, and a repeat
    /// after another connection used the stream is still a back-reference.
    @Test(arguments: [9, 12, 15])
    func contextTakeoverSurvivesTakingTurns(bits: Int) throws {
        let parameters = PerMessageDeflateParameters(serverMaxWindowBits: bits, clientNoContextTakeover: true)
        let pool = DeflateStreamPool()
        let options = PerMessageDeflateOptions(serverMaxWindowBits: 15)
        let senders = (0..<3).map { _ in PerMessageDeflate(parameters: parameters, role: .server, options: options, pool: pool) }
        let peers = senders.map { _ in Self.peer(of: parameters) }
        let text = compressibleText(count: 400_000)
        var offset = 0
        for round in 0..<40 {
            for (index, sender) in senders.enumerated() {
                // Sizes from a few bytes to more than the window, from different places of the text.
                let size = [5, 300, 1 << bits, 3 * (1 << bits) + 17, 900][(round + index) % 5]
                let message = Array(text[offset..<(offset + size)])
                offset = (offset + size * 7 + 11) % (text.count - 100_000)
                let compressed = try sender.compress(message)
                #expect(try peers[index].decompress([compressed]) == message, "round \(round), sender \(index)")
                #expect(sender.historyCount <= 1 << bits)
            }
        }
        let short = Array(text.prefix(200))
        let first = try senders[0].compress(short)
        _ = try senders[1].compress(short)
        let repeated = try senders[0].compress(short)
        #expect(repeated.count < first.count / 4, "a back-reference into the first connection's history")
        #expect(try peers[0].decompress([first]) == short)
        #expect(try peers[0].decompress([repeated]) == short)
        #expect(pool.streamCount == 1)
    }

    /// The history is what was sent, and never more than the window: it is the per-connection memory.
    @Test func historyIsBoundedByTheWindow() throws {
        let codec = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init())
        _ = try codec.compress(Self.hello)
        _ = try codec.compress(Array(repeating: 0x61, count: 100))
        #expect(codec.historyCount == 105)
        _ = try codec.compress([])
        #expect(codec.historyCount == 105)
        _ = try codec.compress(compressibleText(count: 10_000))
        #expect(codec.historyCount == 4096)
        let resetting = PerMessageDeflate(parameters: Self.noContext, role: .server, options: .init())
        _ = try resetting.compress(compressibleText(count: 10_000))
        #expect(resetting.historyCount == 0)
    }

    /// The shared decompressor starts every message fresh: a back-reference into another
    /// connection's message (or the same connection's previous one) is corrupt data.
    @Test func sharedDecompressorKeepsNoContext() throws {
        let pool = DeflateStreamPool()
        let first = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init(), pool: pool)
        let second = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init(), pool: pool)
        #expect(try first.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
        // §7.2.3.2's second "Hello": a back-reference to the first.
        #expect(throws: WebSocketError.inflateFailed) { try second.decompress([[0xF2, 0x00, 0x11, 0x00, 0x00]]) }
        #expect(throws: WebSocketError.inflateFailed) { try first.decompress([[0xF2, 0x00, 0x11, 0x00, 0x00]]) }
        #expect(!first.holdsDecompressor && !second.holdsDecompressor && pool.streamCount == 1)
    }

    /// A fragmented message waits, compressed, while other connections inflate on the shared
    /// stream; and a failed message leaves nothing behind for the next connection.
    @Test func fragmentsWaitWhileOthersUseTheSharedDecompressor() throws {
        let pool = DeflateStreamPool()
        let parameters = Self.defaults
        let slow = PerMessageDeflate(parameters: parameters, role: .server, options: .init(), pool: pool)
        let fast = PerMessageDeflate(parameters: parameters, role: .server, options: .init(), pool: pool)
        let sender = Self.peer(of: parameters)
        let text = compressibleText(count: 50_000)
        let compressed = try sender.compress(text)
        let cut = compressed.count / 3
        var slowOutput: [UInt8] = []
        try Array(compressed[..<cut]).withUnsafeBytes { try slow.decompress($0, isFinal: false, limit: .max, into: &slowOutput) }
        #expect(slowOutput.isEmpty)
        #expect(try fast.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
        #expect(throws: WebSocketError.inflateFailed) { try fast.decompress([[0xFF, 0xFF, 0xFF, 0xFF]]) }
        try Array(compressed[cut...]).withUnsafeBytes { try slow.decompress($0, isFinal: true, limit: .max, into: &slowOutput) }
        #expect(slowOutput == text)
        let other = PerMessageDeflate(parameters: parameters, role: .server, options: .init(), pool: pool)
        #expect(try other.decompress([[0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]]) == Self.hello)
    }

    /// The inflate limit holds on the shared path too (docs/style.md §9).
    @Test func inflateLimitOnTheSharedDecompressor() throws {
        let sender = Self.peer(of: Self.defaults)
        let zeros = try sender.compress([UInt8](repeating: 0, count: 1 << 20))
        let receiver = PerMessageDeflate(parameters: Self.defaults, role: .server, options: .init())
        #expect(throws: WebSocketError.inflatedMessageTooLarge(limit: 4096)) {
            try receiver.decompress([Array(zeros[..<(zeros.count / 2)]), Array(zeros[(zeros.count / 2)...])], limit: 4096)
        }
    }

    /// `withCompressed` gives the same bytes as `compress`, through the pool's scratch buffer.
    @Test func withCompressedUsesThePoolsScratch() throws {
        let pool = DeflateStreamPool()
        let codec = PerMessageDeflate(parameters: Self.noContext, role: .server, options: .init(), pool: pool)
        let text = compressibleText(count: 5000)
        let direct = try codec.compress(text)
        let viaScratch = try text.withUnsafeBytes { try codec.withCompressed($0) { Array($0) } }
        #expect(viaScratch == direct)
        #expect(pool.scratch.isEmpty == false && pool.scratch.capacity >= direct.count)
    }
}
