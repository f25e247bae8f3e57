//  RFC 6455 §5.2, base framing protocol:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-------+-+-------------+-------------------------------+
//  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//  | |1|2|3|       |K|             |                               |
//  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//  |     Extended payload length continued, if payload len == 127  |
//  + - - - - - - - - - - - - - - - +-------------------------------+
//  |                               |Masking-key, if MASK set to 1  |
//  +-------------------------------+-------------------------------+
//  | Masking-key (continued)       |          Payload Data         |
//  +-------------------------------- - - - - - - - - - - - - - - - +

/// The header of a frame sent by a server, parsed and checked from the client's point of view.
public struct ServerFrameHeader: Equatable, Sendable {
    public let fin: Bool
    public let opcode: Opcode
    /// Bytes before the payload.
    public let headerLength: Int
    public let payloadLength: Int
    /// RSV1: with permessage-deflate, the first frame of a compressed message (RFC 7692 §6).
    public let compressed: Bool

    public init(fin: Bool, opcode: Opcode, headerLength: Int, payloadLength: Int, compressed: Bool = false) {
        self.fin = fin
        self.opcode = opcode
        self.headerLength = headerLength
        self.payloadLength = payloadLength
        self.compressed = compressed
    }

    public enum Parse: Equatable, Sendable {
        case incomplete
        case frame(ServerFrameHeader)
        case invalid(String)
    }

    /// Parses the header at the start of `bytes`. Frames longer than `maxPayload` are invalid, so
    /// the caller never needs more than `maxPayload + 10` bytes of buffer per frame.
    ///
    /// Checked: RSV bits clear (§5.2, nothing negotiated), no mask from a server (§5.1), no reserved
    /// opcode (§5.2), control frames unfragmented and at most 125 bytes (§5.5), minimal length
    /// encoding and a clear top bit in 64-bit lengths (§5.2). With `deflate` (permessage-deflate
    /// negotiated), RSV1 is allowed on a text or binary frame (RFC 7692 §6: it marks the first
    /// frame of a compressed message; never on a control or continuation frame, §6.1).
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxPayload: Int, deflate: Bool = false) -> Parse {
        guard bytes.count >= 2 else { return .incomplete }
        let b0 = bytes[0]
        let b1 = bytes[1]
        let fin = b0 & 0x80 != 0
        let opcode = Opcode(b0)
        let compressed = b0 & 0x40 != 0
        guard b0 & 0x30 == 0 else { return .invalid("RSV2/RSV3 set (0x\(String(b0, radix: 16))) with no extension that defines them") }
        if compressed {
            guard deflate else { return .invalid("RSV bits set (0x\(String(b0, radix: 16))) with no extension negotiated") }
            guard opcode == .text || opcode == .binary else { return .invalid("RSV1 on a \(opcode) frame (RFC 7692 §6.1)") }
        }
        guard !opcode.isReserved else { return .invalid("reserved opcode \(opcode)") }
        guard b1 & 0x80 == 0 else { return .invalid("server frame is masked (RFC 6455 §5.1)") }

        let length7 = Int(b1 & 0x7F)
        let headerLength: Int
        let payloadLength: Int
        switch length7 {
        case 126:
            guard bytes.count >= 4 else { return .incomplete }
            payloadLength = Int(bytes[2]) << 8 | Int(bytes[3])
            guard payloadLength > 125 else { return .invalid("non-minimal 16-bit length \(payloadLength)") }
            headerLength = 4
        case 127:
            guard bytes.count >= 10 else { return .incomplete }
            var length: UInt64 = 0
            for i in 2..<10 { length = length << 8 | UInt64(bytes[i]) }
            guard length >> 63 == 0 else { return .invalid("64-bit length with the top bit set") }
            guard length > 0xFFFF else { return .invalid("non-minimal 64-bit length \(length)") }
            guard length <= UInt64(maxPayload) else { return .invalid("frame of \(length) bytes, more than the \(maxPayload) expected") }
            payloadLength = Int(length)
            headerLength = 10
        default:
            payloadLength = length7
            headerLength = 2
        }
        if opcode.isControl {
            guard fin else { return .invalid("fragmented \(opcode) frame (RFC 6455 §5.5)") }
            guard payloadLength <= 125 else { return .invalid("\(opcode) frame of \(payloadLength) bytes (RFC 6455 §5.5)") }
        }
        guard payloadLength <= maxPayload else {
            return .invalid("frame of \(payloadLength) bytes, more than the \(maxPayload) expected")
        }
        return .frame(ServerFrameHeader(fin: fin, opcode: opcode, headerLength: headerLength, payloadLength: payloadLength, compressed: compressed))
    }
}
