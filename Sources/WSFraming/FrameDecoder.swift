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
//  :                     Payload Data continued ...                :
//  + - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - +

/// A piece of one frame's payload, already unmasked.
///
/// Data frames are delivered in chunks as their bytes arrive (so that UTF-8 can fail fast inside
/// a large frame); control frames (at most 125 bytes) are delivered whole, as a single chunk.
/// `payload` is valid only during the callback that receives it.
public struct FrameChunk {
    public var header: FrameHeader
    public var payload: UnsafeMutableRawBufferPointer
    /// Where `payload` starts within the frame's payload.
    public var offset: Int
    /// Whether this chunk ends the frame.
    public var isFrameEnd: Bool

    @inlinable public var isFrameStart: Bool { offset == 0 }
}

/// An incremental frame decoder, RFC 6455 §5.2: bytes in, `FrameChunk`s out.
///
/// Input may be split at any byte. Only what cannot be delivered yet is kept: a partial header
/// (at most 14 bytes) or a partial control-frame payload (at most 125 bytes); data payload is
/// unmasked in the caller's buffer and handed on without a copy.
///
/// Enforced per frame: RSV bits (§5.2, RFC 7692 §6.1), reserved opcodes (§5.2), control frame
/// size and fragmentation (§5.5), masking direction (§5.1), minimal and 63-bit lengths (§5.2),
/// and the `maxFramePayload` limit before any payload is buffered. Not enforced here: message
/// fragmentation order (§5.4) and UTF-8 (§8.1), which belong to `MessageAssembler`.
public struct FrameDecoder {
    public let role: Role
    /// Frames with a larger payload fail with `.frameTooLarge` (close 1009).
    public var maxFramePayload: Int
    /// RFC 7692 §6: RSV1 is legal only when permessage-deflate was negotiated.
    public var allowsCompressionBit: Bool

    /// Header bytes received so far when a header straddles two reads.
    private var partialHeader: [UInt8] = []
    /// The frame whose payload is being received, with how much of it has been delivered.
    private var current: FrameHeader?
    private var delivered = 0
    /// A control frame's payload while it is incomplete.
    private var controlPayload: [UInt8] = []

    public init(role: Role, maxFramePayload: Int, allowsCompressionBit: Bool = false) {
        self.role = role
        self.maxFramePayload = maxFramePayload
        self.allowsCompressionBit = allowsCompressionBit
    }

    /// Whether no frame is partly received: no header bytes kept and no payload outstanding.
    public var isBetweenFrames: Bool { current == nil && partialHeader.isEmpty }

    /// Decodes `input`, unmasking payload in place, and calls `onChunk` for each chunk. Stops
    /// early when `onChunk` returns false (after a close frame, say); returns the number of
    /// bytes consumed, which is `input.count` unless it stopped early.
    @discardableResult
    public mutating func decode(
        _ input: UnsafeMutableRawBufferPointer,
        _ onChunk: (FrameChunk) throws(WebSocketError) -> Bool
    ) throws(WebSocketError) -> Int {
        try decode(input, wholeFrame: { _, _ throws(WebSocketError) in nil }, onChunk)
    }

    /// `decode`, offering each data frame whose header and whole payload are in `input` to
    /// `wholeFrame` first, with its payload as received (still masked). `wholeFrame` returns nil to
    /// decline (the frame is then unmasked and chunked as usual), else whether to go on: it took
    /// the frame (`FrameRelay`). The header has passed every per-frame rule before it is offered.
    @discardableResult
    public mutating func decode(
        _ input: UnsafeMutableRawBufferPointer,
        wholeFrame: (FrameHeader, UnsafeRawBufferPointer) throws(WebSocketError) -> Bool?,
        _ onChunk: (FrameChunk) throws(WebSocketError) -> Bool
    ) throws(WebSocketError) -> Int {
        guard let base = input.baseAddress else { return 0 }
        let count = input.count
        var index = 0
        while index < count {
            if current == nil {
                guard let used = try takeHeader(base + index, count - index) else { return count }
                index += used
                let header = current!
                if !header.opcode.isControl, header.payloadLength <= count - index,
                   let keepGoing = try wholeFrame(header, UnsafeRawBufferPointer(start: base + index, count: header.payloadLength)) {
                    current = nil
                    index += header.payloadLength
                    if !keepGoing { return index }
                    continue
                }
            }
            let header = current!
            let take = min(header.payloadLength - delivered, count - index)
            // A header that ends the input: its payload comes with the next read.
            if take == 0 && header.payloadLength > 0 { break }
            let payload = UnsafeMutableRawBufferPointer(start: base + index, count: take)
            if let key = header.maskKey { Masking.apply(key: key, to: payload, offset: delivered) }
            index += take
            let offset = delivered
            delivered += take
            let isFrameEnd = delivered == header.payloadLength
            if isFrameEnd { current = nil; delivered = 0 }

            let keepGoing: Bool
            if header.opcode.isControl {
                if !isFrameEnd {
                    controlPayload.append(contentsOf: UnsafeRawBufferPointer(payload))
                    continue
                }
                if controlPayload.isEmpty {
                    keepGoing = try onChunk(FrameChunk(header: header, payload: payload, offset: 0, isFrameEnd: true))
                } else {
                    controlPayload.append(contentsOf: UnsafeRawBufferPointer(payload))
                    var whole = controlPayload
                    controlPayload.removeAll()
                    keepGoing = try whole.withMutableBytes { bytes throws(WebSocketError) in
                        try onChunk(FrameChunk(header: header, payload: bytes, offset: 0, isFrameEnd: true))
                    }
                }
            } else {
                keepGoing = try onChunk(FrameChunk(header: header, payload: payload, offset: offset, isFrameEnd: isFrameEnd))
            }
            if !keepGoing { return index }
        }
        return count
    }

    /// Completes the header at `bytes` (after any partial header kept from before). Returns how
    /// many of `available` bytes it used, or nil when it kept them all and needs more.
    private mutating func takeHeader(_ bytes: UnsafeMutableRawPointer, _ available: Int) throws(WebSocketError) -> Int? {
        if partialHeader.isEmpty {
            let raw = UnsafeRawBufferPointer(start: bytes, count: available)
            if let (header, length) = try parseHeader(raw) {
                current = header
                return length
            }
            partialHeader.append(contentsOf: raw)
            return nil
        }
        let already = partialHeader.count
        let added = min(14 - already, available)
        partialHeader.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: added))
        let parsed = try partialHeader.withBytes { raw throws(WebSocketError) in try parseHeader(raw) }
        guard let (header, length) = parsed else { return nil }
        partialHeader.removeAll()
        current = header
        return length - already
    }

    /// Parses one header at the start of `bytes`: nil if incomplete, else the header and its
    /// length on the wire. Applies every per-frame rule.
    public func parseHeader(_ bytes: UnsafeRawBufferPointer) throws(WebSocketError) -> (FrameHeader, Int)? {
        guard bytes.count >= 2 else { return nil }
        let first = bytes[0], second = bytes[1]
        let opcode = Opcode(encoded: first)
        // §5.2: a reserved opcode must fail the connection.
        if opcode.isReserved { throw .reservedOpcode(opcode.rawValue) }
        // §5.2: RSV2 and RSV3 are defined by no extension we negotiate.
        if first & 0x30 != 0 { throw .reservedBitsSet }
        if first & 0x40 != 0 {
            // RFC 7692 §6: RSV1 needs the extension, and marks only the first frame of a data message.
            guard allowsCompressionBit else { throw .reservedBitsSet }
            if opcode.isControl { throw .compressedControlFrame }
            if opcode == .continuation { throw .compressedContinuation }
        }
        let masked = second & 0x80 != 0
        // §5.1: clients mask every frame, servers none.
        if masked != role.expectsMaskedFrames { throw masked ? .maskUnexpected : .maskMissing }
        let shortLength = Int(second & 0x7F)
        if opcode.isControl {
            // §5.5: control frames are never fragmented and carry at most 125 bytes.
            if first & 0x80 == 0 { throw .fragmentedControlFrame }
            if shortLength > 125 { throw .controlFrameTooLong }
        }
        var index = 2
        let payloadLength: Int
        switch shortLength {
        case 126:
            guard bytes.count >= 4 else { return nil }
            payloadLength = Int(bytes[2]) << 8 | Int(bytes[3])
            // §5.2: the minimal number of bytes must be used to encode the length.
            if payloadLength < 126 { throw .lengthNotMinimal }
            index = 4
        case 127:
            guard bytes.count >= 10 else { return nil }
            var length: UInt64 = 0
            for offset in 2..<10 { length = length << 8 | UInt64(bytes[offset]) }
            // §5.2: the most significant bit of a 64-bit length must be 0.
            if length >> 63 != 0 { throw .lengthMostSignificantBitSet }
            if length < 65_536 { throw .lengthNotMinimal }
            // Checked before the conversion to Int and before any allocation (docs/style.md §9).
            if length > UInt64(maxFramePayload) { throw .frameTooLarge(limit: maxFramePayload) }
            payloadLength = Int(length)
            index = 10
        default:
            payloadLength = shortLength
        }
        if payloadLength > maxFramePayload { throw .frameTooLarge(limit: maxFramePayload) }
        var maskKey: UInt32?
        if masked {
            guard bytes.count >= index + 4 else { return nil }
            maskKey = bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)
            index += 4
        }
        return (FrameHeader(firstByte: first, maskKey: maskKey, payloadLength: payloadLength), index)
    }
}
