// fuzz-options: -max_len=4096
import FuzzSupport
import Routes
import MuxEnvelope

/// The mux envelope (docs/backend-protocol.md) as a back end sends it: data frames
/// (`MuxFrame.decodeData`), control messages (`MuxControl.decode`), and the request and reply
/// ids the gateway matches (`RequestIDScanner`). Input: one WebSocket message from the back end
/// (every parser reads the same bytes).
///
/// Properties:
/// - a data frame decodes to the kind, session and payload its bytes hold (text payloads
///   UTF-8), and its header written again (`encodeDataHeader`) gives the same bytes; a frame is
///   refused exactly when it is short, of an unknown kind or for session 0, or text not UTF-8;
/// - a control message, written out (`encoded()`), is JSON Callgate accepts and decodes to the
///   same message;
/// - the gateway's error reply for the message's id is JSON Callgate accepts that carries the id.
@main enum MuxFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        do throws(MuxProtocolError) {
            let frame = try MuxFrame.decodeData(data)
            requireEqual(frame.kind.rawValue, bytes[0], "kind")
            var header: [UInt8] = []
            MuxFrame.encodeDataHeader(kind: frame.kind, session: frame.session, into: &header)
            requireEqual(header + Array(frame.payload), bytes, "the frame written again")
            require(frame.session != 0, "session 0")
            if frame.kind == .text { require(String(validating: frame.payload, as: UTF8.self) != nil, "text that is not UTF-8") }
        } catch {
            let session = bytes.count >= 5 ? bytes[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } : 0
            switch error {
            case .dataFrameTooShort(let length): require(length == bytes.count && length < 5, "\(error)")
            case .unknownDataKind(let kind): require(kind == bytes[0] && MuxDataKind(rawValue: kind) == nil, "\(error)")
            case .zeroSession: require(session == 0, "\(error) for session \(session)")
            case .invalidUTF8(let s):
                require(s == session && String(validating: bytes[5...], as: UTF8.self) == nil, "\(error)")
            default: require(false, "a data frame refused as \(error)")
            }
        }

        if case .success(let control) = MuxControl.decode(data) {
            let written = control.encoded()
            requireAcceptedJSON(written, "\(control) written out")
            let again = written.withUnsafeBytes { MuxControl.decode($0) }
            requireEqual(again, .success(control), "a control message written out and decoded again")
        }

        let id = RequestIDScanner.requestID(in: data)
        requireReply(GatewayMessage.errorReply(id: id, code: "sessionClosed", text: "session closed"), id: id, "the error reply")
    }
}
