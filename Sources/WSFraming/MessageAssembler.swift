/// Turns frame chunks into messages, RFC 6455 §5.4 and RFC 7692 §6.
///
/// Enforces the fragmentation order (a continuation needs a message in progress, a new data
/// frame needs none; control frames may come in between), incremental UTF-8 validation of text
/// (failing on the first bad byte, also inside a fragmented or compressed message), the message
/// and inflated size limits, and inflation of compressed messages. A message that arrives whole
/// in one chunk is handed on without a copy.
public struct MessageAssembler {
    public var limits: WebSocketLimits
    /// Set once permessage-deflate is negotiated.
    public var deflate: PerMessageDeflate?

    /// The data message in progress: its opcode, whether it is compressed, its bytes so far.
    private var opcode: Opcode?
    private var compressed = false
    private var received = 0
    private var buffer: [UInt8] = []
    private var utf8 = UTF8Validator()

    public init(limits: WebSocketLimits, deflate: PerMessageDeflate? = nil) {
        self.limits = limits
        self.deflate = deflate
    }

    /// Whether no data message is in progress (its first frame came, its last has not).
    public var isBetweenMessages: Bool { opcode == nil }

    /// Frees the message buffer's capacity between messages (`InboundStream.releaseIdleMemory`).
    public mutating func releaseIdleMemory() {
        if opcode == nil { buffer = [] }
    }

    /// Bytes the message buffer holds allocated (tests).
    var bufferCapacity: Int { buffer.capacity }

    /// Consumes one chunk; calls `onEvent` for each complete message or control frame and
    /// returns what it returned (false stops decoding), or true when nothing completed.
    public mutating func assemble(
        _ chunk: FrameChunk,
        _ onEvent: (InboundEvent) throws(WebSocketError) -> Bool
    ) throws(WebSocketError) -> Bool {
        let header = chunk.header
        let payload = UnsafeRawBufferPointer(chunk.payload)
        if header.opcode.isControl { return try onEvent(try controlEvent(header.opcode, payload)) }

        if chunk.isFrameStart { try startFrame(header) }
        let messageOpcode = opcode!
        let isMessageEnd = header.fin && chunk.isFrameEnd

        if !compressed {
            // §8.1: fail as soon as the text can no longer be valid UTF-8.
            if messageOpcode == .text && !utf8.validate(payload) { throw .invalidUTF8 }
            if isMessageEnd && buffer.isEmpty && chunk.isFrameStart {
                if messageOpcode == .text && !utf8.isComplete { throw .invalidUTF8 }
                opcode = nil
                return try onEvent(messageOpcode == .text ? .text(payload) : .binary(payload))
            }
            buffer.append(contentsOf: payload)
        } else {
            guard let deflate else { throw .reservedBitsSet }
            let before = buffer.count
            var inflateError: WebSocketError?
            do {
                try deflate.decompress(payload, isFinal: isMessageEnd, limit: limits.maxInflatedSize, into: &buffer)
            } catch {
                inflateError = error
            }
            // What inflated before a failure (corrupt DEFLATE, or the limit) is checked first, so
            // the error is the first fault in the message, wherever the frame was split (issue 18).
            if messageOpcode == .text {
                let end = max(before, min(buffer.count, limits.maxInflatedSize))
                let fine = buffer.withUnsafeBytes { utf8.validate(UnsafeRawBufferPointer(rebasing: $0[before..<end])) }
                if !fine { throw .invalidUTF8 }
            }
            if let inflateError { throw inflateError }
        }
        guard isMessageEnd else { return true }
        if messageOpcode == .text && !utf8.isComplete { throw .invalidUTF8 }
        opcode = nil
        defer { buffer.removeAll(keepingCapacity: buffer.capacity <= 4096) }
        return try buffer.withBytes { bytes throws(WebSocketError) in
            try onEvent(messageOpcode == .text ? .text(bytes) : .binary(bytes))
        }
    }

    /// §5.4 ordering and the size limits, checked when a data frame's header arrives.
    private mutating func startFrame(_ header: FrameHeader) throws(WebSocketError) {
        if header.opcode == .continuation {
            guard opcode != nil else { throw .unexpectedContinuation }
        } else {
            guard opcode == nil else { throw .expectedContinuation }
            opcode = header.opcode
            compressed = header.rsv1
            received = 0
            utf8.reset()
        }
        received += header.payloadLength
        if received > limits.maxMessageSize { throw .messageTooLarge(limit: limits.maxMessageSize) }
    }

    private func controlEvent(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer) throws(WebSocketError) -> InboundEvent {
        switch opcode {
        case .ping: return .ping(payload)
        case .pong: return .pong(payload)
        default: return .close(try ClosePayload(parsing: payload))
        }
    }
}
