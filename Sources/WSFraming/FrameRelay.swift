/// Relaying a data frame from one WebSocket to another without taking it apart: the pipe hop's
/// fast path (docs/architecture.md §3.3). A frame that is a whole message on its own, received
/// whole, on a connection without extensions, towards a connection without extensions, means the
/// same on both sides; only the masking differs (RFC 6455 §5.1: a client masks every frame, a
/// server none). So the frame goes out with a header for the receiving side and its payload copied
/// once into the outgoing buffer and re-masked there in one pass with the XOR of both keys (§5.3:
/// masking is octet i XOR key octet i mod 4, and both keys start at octet 0 of the payload).
///
/// Everything else takes the ordinary path (`MessageAssembler`, `MessageEncoder`): control
/// frames (§5.5, answered or acted on by each side), fragments (§5.4), compressed frames
/// (RFC 7692 §6), and frames split across reads.
public enum FrameRelay {
    /// Whether a frame may be relayed as it is. The header has passed `FrameDecoder`'s per-frame
    /// rules, and its whole payload is in the current input (`FrameDecoder.decode(_:wholeFrame:_:)`
    /// offers no other).
    /// - Parameters:
    ///   - betweenMessages: no fragmented message is in progress (§5.4: a new data frame then
    ///     fails the connection, which the ordinary path reports).
    ///   - extensionNegotiated: either side negotiated an extension (RFC 7692): its frames may
    ///     need inflating or carry RSV bits, so nothing passes through.
    ///   - maxMessageSize: a larger frame takes the ordinary path, which fails it with 1009.
    @inlinable
    public static func canPassThrough(
        _ header: FrameHeader, betweenMessages: Bool, extensionNegotiated: Bool, maxMessageSize: Int
    ) -> Bool {
        let opcode = header.opcode
        return header.fin && (opcode == .text || opcode == .binary) && header.firstByte & 0x70 == 0
            && !extensionNegotiated && betweenMessages
            && header.payloadLength <= maxMessageSize
    }

    /// Appends the frame carrying `payload` to `output`, for a receiver that expects it masked
    /// with `outboundKey` (a server receiving from our client side, §5.3) or unmasked (nil).
    /// `payload` is exactly as received: masked with `inboundKey`, or not (nil); it is not changed.
    /// Text is checked as UTF-8 (§8.1) on the way; invalid text leaves `output` as it was and
    /// throws `.invalidUTF8` (close 1007), as the ordinary path would.
    public static func append(
        opcode: Opcode, payload: UnsafeRawBufferPointer, inboundKey: UInt32?, outboundKey: UInt32?,
        into output: inout [UInt8]
    ) throws(WebSocketError) {
        let start = output.count
        FrameEncoder.appendHeader(opcode: opcode, payloadLength: payload.count, maskKey: outboundKey, into: &output)
        let payloadStart = output.count
        output.append(contentsOf: payload)
        if payload.isEmpty { return }
        let valid = output.withUnsafeMutableBytes { bytes -> Bool in
            let copied = UnsafeMutableRawBufferPointer(rebasing: bytes[payloadStart...])
            if opcode == .text {
                // Unmask, check, mask: three passes over bytes already in the cache.
                if let inboundKey { Masking.apply(key: inboundKey, to: copied) }
                guard UTF8Validator.isValid(UnsafeRawBufferPointer(copied)) else { return false }
                if let outboundKey { Masking.apply(key: outboundKey, to: copied) }
            } else {
                let key = (inboundKey ?? 0) ^ (outboundKey ?? 0)
                if key != 0 { Masking.apply(key: key, to: copied) }
            }
            return true
        }
        if !valid {
            output.removeSubrange(start...)
            throw .invalidUTF8
        }
    }
}
