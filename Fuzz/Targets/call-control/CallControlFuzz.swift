// fuzz-options: -max_len=4096
import FuzzSupport
import CallControlMessages
import JSON
import WSFraming

/// The call-control protocol (docs/backend-protocol.md §12) as either side receives it:
/// `CallControlMessage.decode` on a gateway's messages (in `callgate switchboard`) and on the back
/// end's (in `RemoteCallControl`). Input: one text message.
///
/// Properties:
/// - a message that decodes (and is not `.unknown`) written out again is JSON Callgate accepts,
///   decodes to the same message, and is written out to the same bytes;
/// - a refusal is either `.malformed` (the receiver closes) or, only for a `request` with an id,
///   `.badRequest` (the back end answers it); its close code is a sendable one (RFC 6455 §7.4).
@main enum CallControlFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        switch CallControlMessage.decode(data) {
        case .failure(let error):
            if case .badRequest = error {
                let isRequest: Bool
                if case .object(let members)? = try? JSONValue(parsing: data), members["type"] == .string("request") {
                    isRequest = true
                } else {
                    isRequest = false
                }
                require(isRequest, "a badRequest refusal of a message that is not a request: \(error)")
            }
            require(CloseCode(error).isValidOnWire, "the close code \(CloseCode(error)) of \(error)")
        case .success(let message):
            if case .unknown = message { return }
            let written = message.encoded()
            _ = requireAcceptedJSON(written, "\(message) written out")
            let again = written.withUnsafeBytes { CallControlMessage.decode($0) }
            guard case .success(let reread) = again else {
                require(false, "\(message) written out is refused: \(again)")
                return
            }
            requireEqual(reread, message, "the message read back")
            requireEqual(reread.encoded(), written, "the message written out again")
        }
    }
}
