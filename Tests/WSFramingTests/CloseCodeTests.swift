import Testing
@testable import WSFraming

@Suite struct CloseCodeTests {
    /// RFC 6455 §7.4: which codes may appear in a received close frame (Autobahn 7.7.x / 7.9.x).
    @Test func validityOnWire() {
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] {
            #expect(CloseCode(code).isValidOnWire, "\(code) should be valid")
        }
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] {
            #expect(!CloseCode(code).isValidOnWire, "\(code) should be invalid")
        }
    }

    @Test func errorsMapToCloseCodes() {
        #expect(CloseCode(WebSocketError.reservedBitsSet) == .protocolError)
        #expect(CloseCode(WebSocketError.invalidUTF8) == .invalidPayloadData)
        #expect(CloseCode(WebSocketError.messageTooLarge(limit: 1)) == .messageTooBig)
        #expect(CloseCode(WebSocketError.inflatedMessageTooLarge(limit: 1)) == .messageTooBig)
        #expect(CloseCode(WebSocketError.deflateFailed) == .internalError)
        // RFC 6455 §7.4.1: a frame or message not completed in time breaks the gateway's policy.
        #expect(CloseCode(WebSocketError.messageTimeout(milliseconds: 1)) == .policyViolation)
    }

    @Test func reservedOpcodes() {
        let reserved = (0...15).filter { Opcode(encoded: UInt8($0)).isReserved }
        #expect(reserved == [3, 4, 5, 6, 7, 11, 12, 13, 14, 15])
        #expect(Opcode.ping.isControl && !Opcode.binary.isControl)
    }
}
