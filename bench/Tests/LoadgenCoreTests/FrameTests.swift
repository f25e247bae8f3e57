import LoadgenCore
import Testing

@Suite struct ClientFrameEncoderTests {
    private func encode(_ payload: [UInt8], opcode: Opcode = .text, key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: payload.count + ClientFrameEncoder.maxHeaderLength)
        let written = payload.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { ClientFrameEncoder.write(opcode: opcode, payload: source, maskKey: key, to: $0.baseAddress!) }
        }
        #expect(written == ClientFrameEncoder.headerLength(payloadLength: payload.count) + payload.count)
        return Array(out[0..<written])
    }

    @Test func compressedFramesCarryRSV1() {
        // RFC 7692 §7.2.3.1: the compressed "Hello" payload with RSV1 (0xC1 unmasked; masked here).
        var out = [UInt8](repeating: 0, count: 32)
        let payload: [UInt8] = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
        let written = payload.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { ClientFrameEncoder.write(opcode: .text, compressed: true, payload: source, maskKey: (0, 0, 0, 0), to: $0.baseAddress!) }
        }
        #expect(Array(out[0..<written]) == [0xC1, 0x87, 0, 0, 0, 0] + payload)
    }

    @Test func rfcMaskedHello() {
        // RFC 6455 §5.7: a single-frame masked text message "Hello".
        #expect(self.encode(Array("Hello".utf8)) == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test func lengthEncodings() {
        #expect(Array(self.encode([UInt8](repeating: 0, count: 125), opcode: .binary)[0..<2]) == [0x82, 0x80 | 125])
        #expect(Array(self.encode([UInt8](repeating: 0, count: 126), opcode: .binary)[0..<4]) == [0x82, 0x80 | 126, 0x00, 0x7E])
        #expect(Array(self.encode([UInt8](repeating: 0, count: 65535), opcode: .binary)[0..<4]) == [0x82, 0x80 | 126, 0xFF, 0xFF])
        #expect(Array(self.encode([UInt8](repeating: 0, count: 65536), opcode: .binary)[0..<10]) == [0x82, 0x80 | 127, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    @Test func wideMaskingMatchesBytewiseMasking() {
        let key: (UInt8, UInt8, UInt8, UInt8) = (0x01, 0x80, 0xFE, 0x7F)
        let keyBytes = [key.0, key.1, key.2, key.3]
        for count in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 4096, 4099] {
            let payload = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var masked = [UInt8](repeating: 0, count: count)
            payload.withUnsafeBytes { source in
                masked.withUnsafeMutableBytes { destination in
                    if count > 0 { Masking.copyMasked(from: source.baseAddress!, to: destination.baseAddress!, count: count, key: key) }
                }
            }
            #expect(masked == payload.enumerated().map { $0.element ^ keyBytes[$0.offset % 4] }, "count \(count)")
        }
    }
}

@Suite struct ServerFrameHeaderTests {
    private func parse(_ bytes: [UInt8], maxPayload: Int = 1 << 20) -> ServerFrameHeader.Parse {
        bytes.withUnsafeBytes { ServerFrameHeader.parse($0, maxPayload: maxPayload) }
    }

    @Test func rfcUnmaskedHello() {
        // RFC 6455 §5.7: a single-frame unmasked text message "Hello", split at every offset.
        let bytes: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(self.parse([]) == .incomplete)
        #expect(self.parse([0x81]) == .incomplete)
        for end in 2...bytes.count {
            #expect(self.parse(Array(bytes[0..<end])) == .frame(ServerFrameHeader(fin: true, opcode: .text, headerLength: 2, payloadLength: 5)))
        }
    }

    @Test func rfcFragmentsAndPing() {
        // RFC 6455 §5.7: fragmented "Hel" + "lo", and an unmasked Ping.
        #expect(self.parse([0x01, 0x03, 0x48, 0x65, 0x6C]) == .frame(ServerFrameHeader(fin: false, opcode: .text, headerLength: 2, payloadLength: 3)))
        #expect(self.parse([0x80, 0x02, 0x6C, 0x6F]) == .frame(ServerFrameHeader(fin: true, opcode: .continuation, headerLength: 2, payloadLength: 2)))
        #expect(self.parse([0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]) == .frame(ServerFrameHeader(fin: true, opcode: .ping, headerLength: 2, payloadLength: 5)))
    }

    @Test func extendedLengths() {
        // RFC 6455 §5.7: 256 bytes in one unmasked binary frame, and 64 KiB.
        #expect(self.parse([0x82, 0x7E, 0x01, 0x00]) == .frame(ServerFrameHeader(fin: true, opcode: .binary, headerLength: 4, payloadLength: 256)))
        #expect(self.parse([0x82, 0x7E, 0x01]) == .incomplete)
        #expect(self.parse([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0]) == .frame(ServerFrameHeader(fin: true, opcode: .binary, headerLength: 10, payloadLength: 65536)))
        #expect(self.parse([0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0]) == .incomplete)
    }

    @Test func rejectsWhatAServerMustNotSend() {
        let invalid: [[UInt8]] = [
            [0x82, 0x85, 1, 2, 3, 4, 0],  // masked (§5.1)
            [0xC2, 0x00],  // RSV1 without an extension (§5.2)
            [0x83, 0x00],  // reserved opcode (§5.2)
            [0x8B, 0x00],  // reserved control opcode
            [0x09, 0x00],  // fragmented ping (§5.5)
            [0x89, 0x7E, 0x00, 0x7E],  // ping over 125 bytes (§5.5)
            [0x82, 0x7E, 0x00, 0x7D],  // 16-bit length for 125 bytes (§5.2 minimal encoding)
            [0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF],  // 64-bit length for 65535 bytes
            [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0],  // top bit of a 64-bit length (§5.2)
        ]
        for bytes in invalid {
            guard case .invalid = self.parse(bytes) else {
                Issue.record("accepted \(bytes)")
                continue
            }
        }
        guard case .invalid = self.parse([0x82, 0x7E, 0x10, 0x00], maxPayload: 4095) else {
            Issue.record("accepted a frame over maxPayload")
            return
        }
    }

    @Test func rsv1MarksACompressedMessageWhenDeflateWasAgreed() {
        // RFC 7692 §7.2.3.1: "Hello" compressed, in one frame, split at every offset.
        let bytes: [UInt8] = [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
        let parse = { (end: Int) in bytes[0..<end].withUnsafeBytes { ServerFrameHeader.parse($0, maxPayload: 1 << 20, deflate: true) } }
        #expect(parse(1) == .incomplete)
        for end in 2...bytes.count {
            #expect(parse(end) == .frame(ServerFrameHeader(fin: true, opcode: .text, headerLength: 2, payloadLength: 7, compressed: true)))
        }
        // §7.2.3.1 fragmented: RSV1 on the first frame only.
        #expect(
            ([0x41, 0x03, 0xF2, 0x48, 0xCD] as [UInt8]).withUnsafeBytes { ServerFrameHeader.parse($0, maxPayload: 1 << 20, deflate: true) }
                == .frame(ServerFrameHeader(fin: false, opcode: .text, headerLength: 2, payloadLength: 3, compressed: true)))
        #expect(
            ([0x80, 0x04, 0xC9, 0xC9, 0x07, 0x00] as [UInt8]).withUnsafeBytes { ServerFrameHeader.parse($0, maxPayload: 1 << 20, deflate: true) }
                == .frame(ServerFrameHeader(fin: true, opcode: .continuation, headerLength: 2, payloadLength: 4)))
    }

    @Test func rsv1IsRefusedWhereRFC7692DoesNotAllowIt() {
        let invalid: [[UInt8]] = [
            [0xC0, 0x00],  // a continuation frame (§6.1)
            [0xC9, 0x00],  // a ping (§6.1: data messages only)
            [0xE1, 0x00],  // RSV2 (no extension defines it)
            [0x91, 0x00],  // RSV3
        ]
        for bytes in invalid {
            guard case .invalid = bytes.withUnsafeBytes({ ServerFrameHeader.parse($0, maxPayload: 1 << 20, deflate: true) }) else {
                Issue.record("accepted \(bytes)")
                continue
            }
        }
    }
}
