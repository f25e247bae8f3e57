import Testing
@testable import WSFraming

@Suite struct FrameEncoderTests {
    private func encode(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, key: UInt32? = nil) -> [UInt8] {
        var out: [UInt8] = []
        payload.withUnsafeBytes { FrameEncoder.encode(opcode: opcode, fin: fin, payload: $0, maskKey: key, into: &out) }
        return out
    }

    /// RFC 6455 §5.7, byte for byte.
    @Test func rfcExamples() {
        #expect(encode(.text, Array("Hello".utf8)) == [UInt8](hex: "81 05 48 65 6c 6c 6f"))
        #expect(encode(.text, Array("Hello".utf8), key: Masking.key(0x37, 0xfa, 0x21, 0x3d))
                == [UInt8](hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58"))
        #expect(encode(.text, Array("Hel".utf8), fin: false) == [UInt8](hex: "01 03 48 65 6c"))
        #expect(encode(.continuation, Array("lo".utf8)) == [UInt8](hex: "80 02 6c 6f"))
        #expect(encode(.ping, Array("Hello".utf8)) == [UInt8](hex: "89 05 48 65 6c 6c 6f"))
        #expect(encode(.pong, Array("Hello".utf8), key: Masking.key(0x37, 0xfa, 0x21, 0x3d))
                == [UInt8](hex: "8a 85 37 fa 21 3d 7f 9f 4d 51 58"))
        #expect(Array(encode(.binary, [UInt8](repeating: 0, count: 256)).prefix(4)) == [UInt8](hex: "82 7E 01 00"))
        #expect(Array(encode(.binary, [UInt8](repeating: 0, count: 65_536)).prefix(10))
                == [UInt8](hex: "82 7F 00 00 00 00 00 01 00 00"))
    }

    @Test func lengthBoundaries() {
        for length in [0, 125, 126, 127, 65_535, 65_536] {
            let frame = encode(.binary, [UInt8](repeating: 7, count: length), key: Masking.key(9, 8, 7, 6))
            #expect(frame.count == FrameEncoder.headerLength(payloadLength: length, masked: true) + length)
            #expect(receive([frame]).events == [.binary([UInt8](repeating: 7, count: length))])
        }
    }

    @Test func closeReasonIsCutAtACodePointBoundary() {
        let payload = ClosePayload(code: .goingAway, reason: String(repeating: "č", count: 100))
        let body = payload.encoded
        #expect(body.count <= 125)
        #expect(body.withUnsafeBytes { UTF8Validator.isValid(UnsafeRawBufferPointer(rebasing: $0[2...])) })
    }
}

@Suite struct MaskingTests {
    /// The wide-word masking equals the §5.3 definition at every length and starting offset.
    @Test func matchesTheDefinition() {
        let key: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]
        let data = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for offset in 0..<4 {
            for length in 0...data.count {
                var bytes = Array(data[..<length])
                bytes.withUnsafeMutableBytes {
                    Masking.apply(key: Masking.key(key[0], key[1], key[2], key[3]), to: $0, offset: offset)
                }
                let expected = (0..<length).map { data[$0] ^ key[($0 + offset) % 4] }
                #expect(bytes == expected)
            }
        }
    }
}
