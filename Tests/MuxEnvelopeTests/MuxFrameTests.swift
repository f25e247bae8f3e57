import Testing
import WSFraming
@testable import MuxEnvelope

/// docs/backend-protocol.md, "Data frames": kind, big-endian session id, payload verbatim.
@Suite struct MuxFrameTests {
    /// Decodes `frame`, giving the payload as a copied array (it only lives inside the buffer).
    private func decode(_ frame: [UInt8]) -> Result<(MuxDataKind, UInt32, [UInt8]), MuxProtocolError> {
        frame.withUnsafeBytes { bytes in
            Result { () throws(MuxProtocolError) in
                let decoded = try MuxFrame.decodeData(bytes)
                return (decoded.kind, decoded.session, Array(decoded.payload))
            }
        }
    }

    private func error(_ frame: [UInt8]) -> MuxProtocolError? {
        if case .failure(let error) = decode(frame) { return error }
        return nil
    }

    @Test func encodesTheHeaderAfterWhatIsAlreadyInTheBuffer() {
        var buffer: [UInt8] = [0xAA]
        MuxFrame.encodeDataHeader(kind: .text, session: 17, into: &buffer)
        #expect(buffer == [0xAA, 0x01, 0x00, 0x00, 0x00, 0x11])
        buffer.removeAll(keepingCapacity: true)
        MuxFrame.encodeDataHeader(kind: .binary, session: 0x0102_0304, into: &buffer)
        #expect(buffer == [0x02, 0x01, 0x02, 0x03, 0x04])
        buffer.removeAll()
        MuxFrame.encodeDataHeader(kind: .binary, session: UInt32.max, into: &buffer)
        #expect(buffer == [0x02, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(MuxFrame.dataHeaderLength == 5)
    }

    @Test func decodesTextBinaryAndEmptyPayloads() throws {
        let hi = try decode([0x01, 0x00, 0x00, 0x00, 0x11, 0x68, 0x69]).get()
        #expect(hi.0 == .text && hi.1 == 17 && hi.2 == Array("hi".utf8))
        let binary = try decode([0x02, 0x80, 0x00, 0x00, 0x01, 0x00, 0xFF, 0xC3]).get()
        #expect(binary.0 == .binary && binary.1 == 0x8000_0001 && binary.2 == [0x00, 0xFF, 0xC3])
        let empty = try decode([0x01, 0xFF, 0xFF, 0xFF, 0xFF]).get()
        #expect(empty.0 == .text && empty.1 == UInt32.max && empty.2 == [])
    }

    @Test func payloadIsASliceOfTheFrameNotACopy() throws {
        let frame: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x07, 0x01, 0x02, 0x03]
        try frame.withUnsafeBytes { bytes in
            let decoded = try MuxFrame.decodeData(bytes)
            #expect(decoded.payload.baseAddress == bytes.baseAddress! + 5)
            #expect(decoded.payload.count == 3)
        }
    }

    @Test func roundTripsWhatTheGatewayEncodes() throws {
        let payload = Array("é€😀".utf8)
        var frame: [UInt8] = []
        MuxFrame.encodeDataHeader(kind: .text, session: 4242, into: &frame)
        frame.append(contentsOf: payload)
        let decoded = try decode(frame).get()
        #expect(decoded.0 == .text && decoded.1 == 4242 && decoded.2 == payload)
    }

    @Test func rejectsEveryShorterFrame() {
        let frame: [UInt8] = [0x01, 0x00, 0x00, 0x00, 0x01]
        for length in 0..<5 {
            #expect(error(Array(frame[..<length])) == .dataFrameTooShort(length: length))
        }
    }

    @Test func rejectsSessionZero() {
        #expect(error([0x01, 0x00, 0x00, 0x00, 0x00, 0x41]) == .zeroSession)
        #expect(error([0x02, 0x00, 0x00, 0x00, 0x00]) == .zeroSession)
    }

    @Test func rejectsUnknownKinds() {
        for kind: UInt8 in [0x00, 0x03, 0x81, 0xFF] {
            #expect(error([kind, 0x00, 0x00, 0x00, 0x01]) == .unknownDataKind(kind))
        }
    }

    @Test func rejectsATextPayloadThatIsNotUTF8ButNotABinaryOne() {
        // A lone continuation byte, a truncated two-byte sequence, an encoded surrogate (RFC 3629 §3).
        for bad: [UInt8] in [[0x80], [0x68, 0xC3], [0xED, 0xA0, 0x80]] {
            #expect(error([0x01, 0x00, 0x00, 0x00, 0x09] + bad) == .invalidUTF8(session: 9))
            #expect(error([0x02, 0x00, 0x00, 0x00, 0x09] + bad) == nil)
        }
    }

    @Test func everyProtocolErrorClosesTheUpstreamWith1002AndSaysWhy() {
        let errors: [MuxProtocolError] = [
            .dataFrameTooShort(length: 3), .zeroSession, .unknownDataKind(7), .invalidUTF8(session: 1),
            .controlNotJSONObject, .controlWithoutType, .invalidControlMember(type: "close", member: "session"),
        ]
        for error in errors {
            #expect(CloseCode(error) == .protocolError)
            #expect(!error.description.isEmpty)
        }
        #expect(MuxProtocolError.dataFrameTooShort(length: 3).description
            == "binary frame of 3 bytes is shorter than the 5-byte mux header")
    }

    @Test func backendCloseCodesPassOnlyFromTheAllowedSet() {
        for code: UInt16 in [1000, 1001, 1008, 1011, 3000, 4000, 4008, 4999] {
            #expect(CloseCode(muxBackendCode: code) == CloseCode(code))
        }
        for code: UInt16 in [0, 999, 1002, 1003, 1005, 1006, 1007, 1009, 1010, 1012, 1014, 1015, 2999, 5000, 65535] {
            #expect(CloseCode(muxBackendCode: code) == .internalError)
        }
        #expect(CloseCode.sessionQueueOverflow.rawValue == 4008)
    }
}
