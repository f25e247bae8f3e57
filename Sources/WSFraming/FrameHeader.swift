/// A decoded frame header, RFC 6455 §5.2. The first byte stays packed; the flags are computed.
public struct FrameHeader: Hashable, Sendable {
    /// FIN, RSV1–3 and the opcode, exactly as on the wire.
    public var firstByte: UInt8
    /// The masking key as its four wire bytes loaded in memory order, or nil for an unmasked frame.
    public var maskKey: UInt32?
    /// The payload length after the §5.2 extended-length decoding.
    public var payloadLength: Int

    @inlinable
    public init(firstByte: UInt8, maskKey: UInt32?, payloadLength: Int) {
        self.firstByte = firstByte
        self.maskKey = maskKey
        self.payloadLength = payloadLength
    }

    @inlinable public var fin: Bool { firstByte & 0x80 != 0 }
    /// RFC 7692 §6: on the first frame of a data message, "Per-Message Compressed".
    @inlinable public var rsv1: Bool { firstByte & 0x40 != 0 }
    @inlinable public var rsv2: Bool { firstByte & 0x20 != 0 }
    @inlinable public var rsv3: Bool { firstByte & 0x10 != 0 }
    @inlinable public var opcode: Opcode { Opcode(encoded: firstByte) }
}
