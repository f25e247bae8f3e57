/// The sending half of a WebSocket endpoint: whole messages in, frames out. Compresses with
/// permessage-deflate when it was negotiated and the message is large enough (RFC 7692 §6),
/// and masks when the role is client (RFC 6455 §5.1), with keys the caller supplies.
public struct MessageEncoder {
    public let role: Role
    public var deflate: PerMessageDeflate?

    public init(role: Role, deflate: PerMessageDeflate? = nil) {
        self.role = role
        self.deflate = deflate
    }

    /// Appends `payload` as one message (a single frame) to `output`.
    /// - Parameter maskKey: required when `role` is `.client`, ignored for `.server`.
    public mutating func encode(
        _ opcode: Opcode,
        _ payload: UnsafeRawBufferPointer,
        maskKey: UInt32? = nil,
        into output: inout [UInt8]
    ) throws(WebSocketError) {
        let key = role == .client ? maskKey : nil
        if !opcode.isControl, let deflate, deflate.shouldCompress(messageSize: payload.count) {
            // The compressed bytes go through the thread's scratch buffer (DeflateStreamPool).
            try deflate.withCompressed(payload) {
                FrameEncoder.encode(opcode: opcode, rsv1: true, payload: $0, maskKey: key, into: &output)
            }
        } else {
            FrameEncoder.encode(opcode: opcode, payload: payload, maskKey: key, into: &output)
        }
    }
}
