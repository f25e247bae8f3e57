import Testing
@testable import WSFraming

/// The pipe hop's fast path: which frames pass through as they are, and the re-masking
/// (RFC 6455 §5.1, §5.3), with the §5.7 vectors; streams fed split at every offset.
@Suite struct FrameRelayTests {
    private static let key1234 = Masking.key(0x01, 0x02, 0x03, 0x04)

    // MARK: the decision

    @Test(arguments: [
        // first byte, masked, length, between messages, extension, passes
        (UInt8(0x82), 5, true, false, true),     // FIN binary
        (UInt8(0x81), 5, true, false, true),     // FIN text
        (UInt8(0x81), 0, true, false, true),     // FIN empty text
        (UInt8(0x02), 5, true, false, false),    // first fragment (§5.4)
        (UInt8(0x80), 5, true, false, false),    // last continuation
        (UInt8(0x89), 5, true, false, false),    // ping (§5.5)
        (UInt8(0x88), 2, true, false, false),    // close
        (UInt8(0x8A), 0, true, false, false),    // pong
        (UInt8(0xC1), 5, true, false, false),    // RSV1: compressed (RFC 7692 §6)
        (UInt8(0x82), 5, true, true, false),     // an extension was negotiated
        (UInt8(0x82), 5, false, false, false),   // a fragmented message is in progress
        (UInt8(0x82), 101, true, false, false),  // above maxMessageSize (100): the ordinary path's 1009
    ])
    func passThroughDecision(firstByte: UInt8, length: Int, between: Bool, negotiated: Bool, passes: Bool) {
        let header = FrameHeader(firstByte: firstByte, maskKey: Self.key1234, payloadLength: length)
        #expect(FrameRelay.canPassThrough(header, betweenMessages: between, extensionNegotiated: negotiated,
                                          maxMessageSize: 100) == passes)
    }

    // MARK: re-masking, with RFC 6455 §5.7's masked "Hello"

    @Test func browserToUpstreamIsRemaskedInOnePass() throws {
        let received = [UInt8](hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58")
        let payload = Array(received[6...])
        var output: [UInt8] = [0xEE]   // whatever was queued before stays
        try payload.withBytes { bytes throws(WebSocketError) in
            try FrameRelay.append(opcode: .text, payload: bytes, inboundKey: Masking.key(0x37, 0xfa, 0x21, 0x3d),
                                  outboundKey: Self.key1234, into: &output)
        }
        // "Hello" XOR 01 02 03 04 01, behind a masked header with the new key.
        #expect(output == [UInt8](hex: "EE 81 85 01 02 03 04 49 67 6f 68 6e"))
        #expect(payload == Array(received[6...]))   // the input is left as it was
    }

    @Test func browserToServerSideIsUnmasked() throws {
        let payload = [UInt8](hex: "7f 9f 4d 51 58")
        var output: [UInt8] = []
        try payload.withBytes { bytes throws(WebSocketError) in
            try FrameRelay.append(opcode: .binary, payload: bytes, inboundKey: Masking.key(0x37, 0xfa, 0x21, 0x3d),
                                  outboundKey: nil, into: &output)
        }
        #expect(output == [UInt8](hex: "82 05 48 65 6c 6c 6f"))
    }

    @Test func upstreamToBrowserIsCopied() throws {
        var output: [UInt8] = []
        try Array("Hello".utf8).withBytes { bytes throws(WebSocketError) in
            try FrameRelay.append(opcode: .text, payload: bytes, inboundKey: nil, outboundKey: nil, into: &output)
        }
        #expect(output == [UInt8](hex: "81 05 48 65 6c 6c 6f"))
    }

    /// Every length encoding (§5.2) and every payload length modulo 8 (the 8-byte masking loop's
    /// tail): the relayed frame equals the frame `FrameEncoder` makes from the plaintext.
    @Test(arguments: [0, 1, 3, 7, 8, 9, 125, 126, 127, 300, 65_535, 65_536, 70_001])
    func relayedFrameEqualsFreshlyEncodedFrame(length: Int) throws {
        let plain = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let inboundKey = Masking.key(0xA1, 0xB2, 0xC3, 0xD4)
        var masked = plain
        masked.withUnsafeMutableBytes { Masking.apply(key: inboundKey, to: $0) }
        var relayed: [UInt8] = []
        try masked.withBytes { bytes throws(WebSocketError) in
            try FrameRelay.append(opcode: .binary, payload: bytes, inboundKey: inboundKey, outboundKey: Self.key1234, into: &relayed)
        }
        var expected: [UInt8] = []
        plain.withUnsafeBytes { FrameEncoder.encode(opcode: .binary, payload: $0, maskKey: Self.key1234, into: &expected) }
        #expect(relayed == expected)
    }

    @Test func invalidTextLeavesTheQueueAsItWas() {
        // "κ" then a lone continuation byte, masked by the browser: §8.1 fails it (1007).
        let key = Masking.key(0x11, 0x22, 0x33, 0x44)
        var masked = [UInt8](hex: "ce ba 80")
        masked.withUnsafeMutableBytes { Masking.apply(key: key, to: $0) }
        var output: [UInt8] = [1, 2, 3]
        #expect(throws: WebSocketError.invalidUTF8) {
            try masked.withBytes { bytes throws(WebSocketError) in
                try FrameRelay.append(opcode: .text, payload: bytes, inboundKey: key, outboundKey: Self.key1234, into: &output)
            }
        }
        #expect(output == [1, 2, 3])
        // The same bytes as binary are not text: relayed.
        #expect(throws: Never.self) {
            try masked.withBytes { bytes throws(WebSocketError) in
                try FrameRelay.append(opcode: .binary, payload: bytes, inboundKey: key, outboundKey: nil, into: &output)
            }
        }
        #expect(output == [1, 2, 3] + [UInt8](hex: "82 03 ce ba 80"))
    }

    // MARK: in a stream

    /// Masked from a browser: binary "abc" (whole), a ping, text "Hel" + "lo" in two fragments,
    /// text "xyz" (whole), a close. Split at every offset, the messages come out in order, each
    /// once; only the two whole data frames may pass through, and only when they arrive whole.
    @Test func streamRelaysWholeDataFramesInOrder() throws {
        let key = Masking.key(9, 8, 7, 6)
        var frames: [UInt8] = []
        func add(_ opcode: Opcode, fin: Bool = true, _ text: String) {
            Array(text.utf8).withUnsafeBytes { FrameEncoder.encode(opcode: opcode, fin: fin, payload: $0, maskKey: key, into: &frames) }
        }
        add(.binary, "abc")
        add(.ping, "p")
        add(.text, fin: false, "Hel")
        add(.continuation, "lo")
        add(.text, "xyz")
        FrameEncoder.encodeClose(ClosePayload(code: .normalClosure), maskKey: key, into: &frames)
        let expected: [Received] = [.binary(Array("abc".utf8)), .ping(Array("p".utf8)), .text("Hello"), .text("xyz"),
                                    .close(ClosePayload(code: .normalClosure))]
        for pieces in everySplit(frames) {
            let (events, relayedCount) = try receiveRelaying(pieces)
            #expect(events == expected)
            #expect(relayedCount <= 2)
            if pieces.count == 2 && (pieces[0].isEmpty || pieces[1].isEmpty) { #expect(relayedCount == 2) }
            if pieces.count == frames.count { #expect(relayedCount == 0) }   // one byte at a time: never whole
        }
    }

    /// §5.4 holds on the fast path: a whole frame while a fragmented message is in progress fails.
    @Test func wholeFrameInsideAFragmentedMessageStillFails() {
        #expect(throws: WebSocketError.expectedContinuation) {
            try receiveRelaying([[UInt8](hex: "01 03 48 65 6c 81 02 6c 6f")], role: .client)
        }
    }

    /// Feeds `pieces` to one stream that relays what it may (re-masked for a server, then decoded
    /// again as that server would) and returns every message in order, and how many were relayed.
    private func receiveRelaying(_ pieces: [[UInt8]], role: Role = .server) throws(WebSocketError) -> ([Received], Int) {
        var stream = InboundStream(role: role, limits: WebSocketLimits())
        var events: [Received] = []
        var relayed = 0
        for piece in pieces {
            var copy = piece
            _ = try copy.withMutableBytes { bytes throws(WebSocketError) in
                try stream.receive(bytes, relay: { header, payload throws(WebSocketError) in
                    var output: [UInt8] = []
                    try FrameRelay.append(opcode: header.opcode, payload: payload, inboundKey: header.maskKey,
                                          outboundKey: Self.key1234, into: &output)
                    let decoded = receive([output])
                    #expect(decoded.error == nil)
                    events += decoded.events
                    relayed += 1
                    return true
                }) { event in
                    events.append(Received(event))
                    if case .close = event { return false }
                    return true
                }
            }
        }
        return (events, relayed)
    }
}
