import Testing
@testable import WSFraming

/// `InboundStream.isAtMessageBoundary`, which the gateway's message deadline
/// (`limits.messageTimeoutMilliseconds`) is timed by: false from a frame's or a fragmented
/// message's first byte to its last, whatever the split.
@Suite struct InboundStreamTests {
    /// RFC 6455 §5.7: a single-frame masked text message "Hello".
    static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
    /// RFC 6455 §5.7: a fragmented unmasked text message "Hel" + "lo", with the §5.7 unmasked
    /// ping "Hello" between the fragments (§5.4: control frames may be interjected).
    static let fragmentedWithPing: [[UInt8]] = [
        [0x01, 0x03, 0x48, 0x65, 0x6c],
        [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
        [0x80, 0x02, 0x6c, 0x6f],
    ]

    /// Feeds `bytes` one piece after another; returns the boundary state after each piece.
    private func boundaries(_ pieces: [[UInt8]], role: Role) throws -> [Bool] {
        var stream = InboundStream(role: role, limits: WebSocketLimits())
        var states: [Bool] = []
        for piece in pieces {
            var copy = piece
            try copy.withMutableBytes { bytes throws(WebSocketError) in
                _ = try stream.receive(bytes) { _ in true }
            }
            states.append(stream.isAtMessageBoundary)
        }
        return states
    }

    /// Every split of `whole`: in progress after each piece unless nothing or everything came.
    private func expectInProgressUntilWhole(_ whole: [UInt8], role: Role) throws {
        for split in everySplit(whole) {
            let states = try boundaries(split, role: role)
            var received = 0
            for (state, piece) in zip(states, split) {
                received += piece.count
                #expect(state == (received == 0 || received == whole.count), "after \(received) of \(whole.count) bytes")
            }
        }
    }

    @Test func aFrameIsInProgressFromItsFirstByteToItsLast() throws {
        #expect(InboundStream(role: .server, limits: WebSocketLimits()).isAtMessageBoundary)
        try expectInProgressUntilWhole(Self.maskedHello, role: .server)
    }

    @Test func aFragmentedMessageIsInProgressAcrossAnInterjectedPing() throws {
        #expect(try boundaries(Self.fragmentedWithPing, role: .client) == [false, false, true])
        try expectInProgressUntilWhole(Self.fragmentedWithPing.flatMap { $0 }, role: .client)
    }

    @Test func aControlFrameAloneIsInProgressUntilWhole() throws {
        try expectInProgressUntilWhole(Self.fragmentedWithPing[1], role: .client)
    }

    /// An idle connection gives the buffer of its last fragmented message back, but never the
    /// one of a message in progress (`InboundStream.releaseIdleMemory`).
    @Test func idleReleaseFreesOnlyBetweenMessages() throws {
        var stream = InboundStream(role: .client, limits: WebSocketLimits())
        var received: [String] = []
        func feed(_ piece: [UInt8]) throws {
            var copy = piece
            try copy.withMutableBytes { bytes throws(WebSocketError) in
                _ = try stream.receive(bytes) { event in
                    if case .text(let text) = event { received.append(String(decoding: text, as: UTF8.self)) }
                    return true
                }
            }
        }
        try feed(Self.fragmentedWithPing[0])
        stream.releaseIdleMemory()
        #expect(stream.assembler.bufferCapacity > 0, "\"Hel\" waits for its last fragment")
        try feed(Self.fragmentedWithPing[1])
        try feed(Self.fragmentedWithPing[2])
        #expect(received == ["Hello"])
        #expect(stream.assembler.bufferCapacity > 0, "kept for the next message while active")
        stream.releaseIdleMemory()
        #expect(stream.assembler.bufferCapacity == 0)
    }
}
