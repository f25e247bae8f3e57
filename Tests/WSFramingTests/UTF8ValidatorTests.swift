import Testing
@testable import WSFraming

@Suite struct UTF8ValidatorTests {
    @Test(arguments: [
        "", "Hello", "κόσμε", "Oběd", "𝄞 music", "\u{10FFFF}", "\u{D7FF}\u{E000}", String(repeating: "abcdefgh", count: 9) + "é",
    ])
    func acceptsValidText(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { UTF8Validator.isValid($0) })
        // Split at every offset: the prefix never fails, and the whole is complete.
        for split in 0...bytes.count {
            var validator = UTF8Validator()
            let first = bytes[..<split].withUnsafeBytes { validator.validate($0) }
            let second = bytes[split...].withUnsafeBytes { validator.validate($0) }
            #expect(first && second && validator.isComplete)
        }
    }

    @Test(arguments: [
        "c0 af", "e0 80 af", "f0 80 80 af", "ed a0 80", "ed bf bf", "f4 90 80 80", "f5 80 80 80", "ff",
        "80", "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64",
    ])
    func rejectsInvalid(_ hex: String) {
        let bytes = [UInt8](hex: hex)
        #expect(!bytes.withUnsafeBytes { UTF8Validator.isValid($0) })
    }

    /// Fails on the first byte that makes the prefix invalid (fail fast, Autobahn 6.4).
    @Test func failsFastInsideACodePoint() {
        var validator = UTF8Validator()
        #expect([UInt8](hex: "ce ba e1 bd b9 cf 83 ce bc ce b5").withUnsafeBytes { validator.validate($0) })
        #expect(![UInt8](hex: "f4 90").withUnsafeBytes { validator.validate($0) })
    }

    @Test func incompleteAtEndIsNotComplete() {
        var validator = UTF8Validator()
        #expect([UInt8](hex: "e2 82").withUnsafeBytes { validator.validate($0) })
        #expect(!validator.isComplete)
    }

    @Test func textMessageFailsOnFirstBadFragment() {
        // Fragment 1 valid, fragment 2 makes it invalid; fragment 3 is never needed.
        var frames: [UInt8] = []
        [UInt8](hex: "ce ba e1 bd").withUnsafeBytes { FrameEncoder.encode(opcode: .text, fin: false, payload: $0, maskKey: 0, into: &frames) }
        [UInt8](hex: "f4 90 80 80").withUnsafeBytes { FrameEncoder.encode(opcode: .continuation, fin: false, payload: $0, maskKey: 0, into: &frames) }
        #expect(receive([frames]).error == .invalidUTF8)
    }
}

@Suite struct ClosePayloadTests {
    @Test func parsesAndValidates() throws {
        let ok = try [UInt8](hex: "03 e8 62 79 65").withUnsafeBytes { bytes throws(WebSocketError) in try ClosePayload(parsing: bytes) }
        #expect(ok == ClosePayload(code: .normalClosure, reason: "bye"))
        let empty = try [UInt8]().withUnsafeBytes { bytes throws(WebSocketError) in try ClosePayload(parsing: bytes) }
        #expect(empty.code == nil)
        #expect(receive([[UInt8](hex: "88 81 00 00 00 00 03")]).error == .invalidClosePayloadLength)
        #expect(receive([[UInt8](hex: "88 82 00 00 00 00 03 ed")]).error == .invalidCloseCode(1005))
        #expect(receive([[UInt8](hex: "88 84 00 00 00 00 03 e8 ed a0")]).error == .invalidUTF8)
    }

    @Test func handshakeStates() {
        var peerFirst = CloseHandshake()
        #expect(peerFirst.receivedClose(ClosePayload(code: .goingAway, reason: "x")) == .reply(ClosePayload(code: .goingAway)))
        #expect(!peerFirst.canSendData)
        var usFirst = CloseHandshake()
        #expect(usFirst.sendClose() == .send)
        #expect(usFirst.sendClose() == .alreadyClosing)
        #expect(usFirst.receivedClose(ClosePayload(code: nil)) == .closeConnection)
        #expect(usFirst.receivedClose(ClosePayload(code: nil)) == .ignore)
    }
}
