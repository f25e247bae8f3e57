// fuzz-options: -max_len=8192
import FuzzSupport
import WSFraming

/// The receiving half of a WebSocket endpoint (RFC 6455 §5, RFC 7692): the frame decoder and
/// message assembly with permessage-deflate, as server (masked frames in) or client, with the
/// negotiated parameters and limits taken from the input.
///
/// Input: a flags byte (bit 0: client role; bit 1: permessage-deflate; bits 2–3: server/client
/// no_context_takeover; bits 4–5: limits: default, small, drawn from the next 3 bytes), a
/// window-bits byte (server 8 + low 3 bits, client 8 + bits 4–6), two bytes of cut point, a
/// stride byte, four bytes of masking key for the round trip, then the bytes on the wire.
///
/// Properties:
/// - the events (messages, pings, pongs, the close) and the error that ends the stream are the
///   same whether the bytes arrive whole, cut at one point, or in pieces of 1–16 bytes;
/// - a text message is valid UTF-8, a message is within the message (or inflated) limit, a
///   control payload within 125 bytes, a close code one that may be sent;
/// - what was received, sent back by the peer's encoder (compressed with the same parameters,
///   context kept across messages, masked when the peer is a client), is received again as the
///   same events: permessage-deflate compress → decompress round trip.
@main enum WebSocketFramesFuzz {
    static func main() { Fuzzer.run(test) }

    struct Setup {
        var role: Role
        var parameters: PerMessageDeflateParameters?
        var limits: WebSocketLimits

        var peer: Role { role == .server ? .client : .server }

        func stream(limits: WebSocketLimits? = nil) -> InboundStream {
            let deflate = parameters.map { PerMessageDeflate(parameters: $0, role: role, options: PerMessageDeflateOptions()) }
            return InboundStream(role: role, limits: limits ?? self.limits, deflate: deflate)
        }
    }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let flags = input.byte()
        let bits = input.byte()
        let limits: WebSocketLimits
        switch flags >> 4 & 3 {
        case 0: limits = WebSocketLimits()
        case 1: limits = WebSocketLimits(maxFramePayload: 300, maxMessageSize: 500, maxInflatedSize: 700)
        default:
            limits = WebSocketLimits(maxFramePayload: input.int(in: 0...200), maxMessageSize: input.int(in: 0...400),
                                     maxInflatedSize: input.int(in: 0...800))
        }
        let parameters = flags & 2 == 0 ? nil : PerMessageDeflateParameters(
            serverMaxWindowBits: 8 + Int(bits & 7), clientMaxWindowBits: 8 + Int(bits >> 4 & 7),
            serverNoContextTakeover: flags & 4 != 0, clientNoContextTakeover: flags & 8 != 0)
        let setup = Setup(role: flags & 1 == 0 ? .server : .client, parameters: parameters, limits: limits)
        let cut = Int(input.uint16())
        let stride = input.int(in: 1...16)
        let maskKey = input.uint32()
        let wire = input.remaining()

        let outcomes = Pieces.splits(count: wire.count, cut: cut, stride: stride).map { cuts in
            receive(Pieces.cut(wire, at: cuts), setup.stream())
        }
        for (index, outcome) in outcomes.enumerated().dropFirst() {
            requireEqual(outcome, outcomes[0], "split \(index) against whole")
        }
        let received = outcomes[0]
        for event in received.events { checkLimits(event, limits) }
        roundTrip(received.events, setup, maskKey: maskKey)
    }

    /// An event with its bytes copied out of the callback.
    enum Event: Equatable {
        case text([UInt8])
        case binary([UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(ClosePayload)

        init(_ event: InboundEvent) {
            switch event {
            case .text(let bytes): self = .text(Array(bytes))
            case .binary(let bytes): self = .binary(Array(bytes))
            case .ping(let bytes): self = .ping(Array(bytes))
            case .pong(let bytes): self = .pong(Array(bytes))
            case .close(let payload): self = .close(payload)
            }
        }
    }

    struct Outcome: Equatable {
        var events: [Event] = []
        var error: WebSocketError?
    }

    /// Feeds `pieces` in order, as a connection would, until a close or an error.
    static func receive(_ pieces: [[UInt8]], _ stream: InboundStream) -> Outcome {
        var stream = stream
        var outcome = Outcome()
        var closed = false
        for piece in pieces where !closed {
            var bytes = piece
            let result = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(WebSocketError) in
                    try stream.receive(buffer) { event in
                        outcome.events.append(Event(event))
                        if case .close = event { closed = true }
                        return !closed
                    }
                }
            }
            if case .failure(let error) = result {
                outcome.error = error
                break
            }
        }
        return outcome
    }

    static func checkLimits(_ event: Event, _ limits: WebSocketLimits) {
        let largest = max(limits.maxMessageSize, limits.maxInflatedSize)
        switch event {
        case .text(let bytes):
            require(String(validating: bytes, as: UTF8.self) != nil, "a text message that is not UTF-8")
            require(bytes.count <= largest, "a message of \(bytes.count) bytes past the limits \(limits)")
        case .binary(let bytes):
            require(bytes.count <= largest, "a message of \(bytes.count) bytes past the limits \(limits)")
        case .ping(let bytes), .pong(let bytes):
            require(bytes.count <= 125, "a control payload of \(bytes.count) bytes")
        case .close(let payload):
            require(payload.code?.isValidOnWire ?? true, "close code \(String(describing: payload.code))")
            require(payload.encoded.count <= 125, "a close payload over 125 bytes")
        }
    }

    /// The peer sends back what we received; we must receive the same.
    static func roundTrip(_ events: [Event], _ setup: Setup, maskKey: UInt32) {
        let peerDeflate = setup.parameters.map {
            PerMessageDeflate(parameters: $0, role: setup.peer, options: PerMessageDeflateOptions(minimumSizeToCompress: 0))
        }
        var encoder = MessageEncoder(role: setup.peer, deflate: peerDeflate)
        var wire: [UInt8] = []
        func send(_ opcode: Opcode, _ bytes: [UInt8]) {
            let result = bytes.withUnsafeBytes { payload in
                Result { () throws(WebSocketError) in try encoder.encode(opcode, payload, maskKey: maskKey, into: &wire) }
            }
            if case .failure(let error) = result { require(false, "the peer could not send \(opcode): \(error)") }
        }
        for event in events {
            switch event {
            case .text(let bytes): send(.text, bytes)
            case .binary(let bytes): send(.binary, bytes)
            case .ping(let bytes): send(.ping, bytes)
            case .pong(let bytes): send(.pong, bytes)
            case .close(let payload): FrameEncoder.encodeClose(payload, maskKey: setup.peer == .client ? maskKey : nil, into: &wire)
            }
        }
        // Compressed output can be a little larger than its input; room enough for it.
        let room = max(setup.limits.maxMessageSize, setup.limits.maxInflatedSize, 125) * 2 + 1024
        let again = wire.withUnsafeBytes { receive([Array($0)], setup.stream(limits: WebSocketLimits(
            maxFramePayload: room, maxMessageSize: room, maxInflatedSize: room))) }
        requireEqual(again, Outcome(events: events), "received, sent back by the peer and received again")
    }
}
