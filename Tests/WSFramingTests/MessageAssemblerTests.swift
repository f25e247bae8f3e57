import Testing
@testable import WSFraming

/// Message assembly with permessage-deflate (RFC 7692 §6): the named vectors of the `ws-frames`
/// fuzz target's findings (docs/fuzzing.md), each fed split at every offset.
@Suite struct MessageAssemblerTests {
    private func deflate() -> PerMessageDeflate {
        PerMessageDeflate(parameters: .init(), role: .client, options: .init())
    }

    /// Fuzz finding (issue 18): a compressed text frame whose first DEFLATE block inflates to a
    /// byte that is not UTF-8 (a stored block holding `ff`) and whose next block is corrupt
    /// (BTYPE 11). In one read it failed as corrupt DEFLATE, split between the blocks as invalid
    /// UTF-8. The inflated bytes are checked before the inflate error counts: invalid UTF-8 at
    /// every split.
    @Test func invalidUTF8BeforeCorruptDeflateIsTheSameAtEverySplit() {
        let frame: [UInt8] = [0xC1, 0x07, 0x00, 0x01, 0x00, 0xFE, 0xFF, 0xFF, 0x06]
        for pieces in everySplit(frame) {
            let (events, error) = receive(pieces, role: .client, deflate: deflate())
            #expect(events.isEmpty)
            #expect(error == .invalidUTF8, "\(pieces.map(\.count))")
        }
    }

    /// The same with a second block that inflates past the limit (1009 in one read, 1007 split):
    /// the bad byte comes first in the message, so invalid UTF-8 (1007) at every split.
    @Test func invalidUTF8BeforeTheInflateLimitIsTheSameAtEverySplit() {
        let storedFF: [UInt8] = [0x00, 0x01, 0x00, 0xFE, 0xFF, 0xFF]
        let storedText: [UInt8] = [0x00, 0x08, 0x00, 0xF7, 0xFF] + Array("abcdefgh".utf8)
        let payload = storedFF + storedText
        let frame: [UInt8] = [0xC1, UInt8(payload.count)] + payload
        let limits = WebSocketLimits(maxInflatedSize: 4)
        for pieces in everySplit(frame) {
            let (events, error) = receive(pieces, role: .client, limits: limits, deflate: deflate())
            #expect(events.isEmpty)
            #expect(error == .invalidUTF8, "\(pieces.map(\.count))")
        }
        // Valid text up to the limit: the limit it is.
        let text: [UInt8] = [0xC1, UInt8(storedText.count)] + storedText
        for pieces in everySplit(text) {
            #expect(receive(pieces, role: .client, limits: limits, deflate: deflate()).error == .inflatedMessageTooLarge(limit: 4))
        }
    }
}
