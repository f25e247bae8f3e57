@testable import WSFraming

/// An `InboundEvent` with its bytes copied, so tests can compare events after the callback.
enum Received: Equatable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    case close(ClosePayload)

    init(_ event: InboundEvent) {
        switch event {
        case .text(let bytes): self = .text(String(decoding: bytes, as: UTF8.self))
        case .binary(let bytes): self = .binary(Array(bytes))
        case .ping(let bytes): self = .ping(Array(bytes))
        case .pong(let bytes): self = .pong(Array(bytes))
        case .close(let payload): self = .close(payload)
        }
    }
}

/// Feeds `pieces` in order to one stream and returns the events, or the error that stopped it.
func receive(
    _ pieces: [[UInt8]],
    role: Role = .server,
    limits: WebSocketLimits = WebSocketLimits(),
    deflate: PerMessageDeflate? = nil
) -> (events: [Received], error: WebSocketError?) {
    var stream = InboundStream(role: role, limits: limits, deflate: deflate)
    var events: [Received] = []
    do {
        for piece in pieces {
            var copy = piece
            _ = try copy.withMutableBytes { bytes throws(WebSocketError) in
                try stream.receive(bytes) { event in
                    events.append(Received(event))
                    if case .close = event { return false }
                    return true
                }
            }
        }
    } catch {
        return (events, error)
    }
    return (events, nil)
}

/// The same bytes split into two pieces at every offset, then one byte at a time.
func everySplit(_ bytes: [UInt8]) -> [[[UInt8]]] {
    var splits = (0...bytes.count).map { [Array(bytes[..<$0]), Array(bytes[$0...])] }
    splits.append(bytes.map { [$0] })
    return splits
}

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}
