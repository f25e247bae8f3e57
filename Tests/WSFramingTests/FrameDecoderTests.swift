import Testing
@testable import WSFraming

/// RFC 6455 §5.7 examples and the §5.2 rules, each vector fed split at every offset.
@Suite struct FrameDecoderTests {
    @Test func unmaskedHelloFromServer() {
        for pieces in everySplit([UInt8](hex: "81 05 48 65 6c 6c 6f")) {
            let result = receive(pieces, role: .client)
            #expect(result.error == nil)
            #expect(result.events == [.text("Hello")])
        }
    }

    @Test func maskedHelloFromClient() {
        for pieces in everySplit([UInt8](hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58")) {
            let result = receive(pieces)
            #expect(result.error == nil)
            #expect(result.events == [.text("Hello")])
        }
    }

    @Test func fragmentedUnmaskedText() {
        for pieces in everySplit([UInt8](hex: "01 03 48 65 6c 80 02 6c 6f")) {
            #expect(receive(pieces, role: .client).events == [.text("Hello")])
        }
    }

    @Test func unmaskedPingAndMaskedPong() {
        for pieces in everySplit([UInt8](hex: "89 05 48 65 6c 6c 6f")) {
            #expect(receive(pieces, role: .client).events == [.ping(Array("Hello".utf8))])
        }
        for pieces in everySplit([UInt8](hex: "8a 85 37 fa 21 3d 7f 9f 4d 51 58")) {
            #expect(receive(pieces).events == [.pong(Array("Hello".utf8))])
        }
    }

    @Test func lengths256And65536() {
        let short = [UInt8](hex: "82 7E 01 00") + [UInt8](repeating: 0x61, count: 256)
        #expect(receive([short], role: .client).events == [.binary([UInt8](repeating: 0x61, count: 256))])
        let long = [UInt8](hex: "82 7F 00 00 00 00 00 01 00 00") + [UInt8](repeating: 0x62, count: 65_536)
        for split in [1, 2, 5, 9, 10, 11, 30_000, 65_545] {
            let result = receive([Array(long[..<split]), Array(long[split...])], role: .client)
            #expect(result.events == [.binary([UInt8](repeating: 0x62, count: 65_536))])
        }
    }

    @Test func controlFrameBetweenFragments() {
        // Masked "Hel", masked ping, masked continuation "lo": §5.4 allows the ping in between.
        var frames: [UInt8] = []
        let key = Masking.key(1, 2, 3, 4)
        Array("Hel".utf8).withUnsafeBytes { FrameEncoder.encode(opcode: .text, fin: false, payload: $0, maskKey: key, into: &frames) }
        [UInt8]().withUnsafeBytes { FrameEncoder.encode(opcode: .ping, payload: $0, maskKey: key, into: &frames) }
        Array("lo".utf8).withUnsafeBytes { FrameEncoder.encode(opcode: .continuation, payload: $0, maskKey: key, into: &frames) }
        for pieces in everySplit(frames) {
            #expect(receive(pieces).events == [.ping([]), .text("Hello")])
        }
    }

    @Test(arguments: [
        ("91 80 00 00 00 00", WebSocketError.reservedBitsSet),          // RSV1 without an extension
        ("a1 80 00 00 00 00", .reservedBitsSet),                        // RSV2
        ("83 80 00 00 00 00", .reservedOpcode(3)),
        ("8b 80 00 00 00 00", .reservedOpcode(11)),
        ("09 80 00 00 00 00", .fragmentedControlFrame),
        ("89 fe 00 7e 00 00 00 00", .controlFrameTooLong),
        ("81 05 48 65 6c 6c 6f", .maskMissing),
        ("82 fe 00 05 00 00 00 00", .lengthNotMinimal),
        ("82 ff 00 00 00 00 00 00 ff ff 00 00 00 00", .lengthNotMinimal),
        ("82 ff 80 00 00 00 00 00 00 00 00 00 00 00", .lengthMostSignificantBitSet),
        ("80 80 00 00 00 00", .unexpectedContinuation),
    ])
    func rejectedFrames(hex: String, error: WebSocketError) {
        for pieces in everySplit([UInt8](hex: hex)) {
            #expect(receive(pieces).error == error)
        }
    }

    @Test func maskedFrameToClientIsRejected() {
        #expect(receive([[UInt8](hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58")], role: .client).error == .maskUnexpected)
    }

    @Test func newMessageDuringFragmentedOne() {
        let frames = [UInt8](hex: "01 01 61 01 01 62")
        #expect(receive([frames], role: .client).error == .expectedContinuation)
    }

    @Test func frameLimitIsCheckedBeforeBuffering() {
        // A header announcing 2^62 bytes is refused as soon as the header is complete.
        let header = [UInt8](hex: "82 ff 40 00 00 00 00 00 00 00 00 00 00 00")
        #expect(receive([header]).error == .frameTooLarge(limit: 1 << 20))
        let limits = WebSocketLimits(maxFramePayload: 100, maxMessageSize: 150)
        let big = [UInt8](hex: "82 e5 00 00 00 00") + [UInt8](repeating: 0, count: 101)
        #expect(receive([big], limits: limits).error == .frameTooLarge(limit: 100))
        var fragmented: [UInt8] = []
        let payload = [UInt8](repeating: 0x41, count: 100)
        payload.withUnsafeBytes {
            FrameEncoder.encode(opcode: .binary, fin: false, payload: $0, maskKey: 0, into: &fragmented)
            FrameEncoder.encode(opcode: .continuation, payload: $0, maskKey: 0, into: &fragmented)
        }
        #expect(receive([fragmented], limits: limits).error == .messageTooLarge(limit: 150))
    }

    @Test func nothingIsDecodedAfterClose() {
        // A close frame followed by garbage: decoding stops at the close.
        let bytes = [UInt8](hex: "88 82 00 00 00 00 03 e8 ff ff ff")
        let result = receive([bytes])
        #expect(result.error == nil)
        #expect(result.events == [.close(ClosePayload(code: .normalClosure))])
    }

    @Test func partialControlPayloadAcrossReads() {
        let bytes = [UInt8](hex: "89 83 01 02 03 04") + [0x61 ^ 1, 0x62 ^ 2, 0x63 ^ 3]
        for pieces in everySplit(bytes) {
            #expect(receive(pieces).events == [.ping(Array("abc".utf8))])
        }
    }
}
