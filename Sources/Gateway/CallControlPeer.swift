import HTTP1
import CallControlMessages
import AuthSchemes
import WSFraming

/// One gateway instance connected to `callgate switchboard` (docs/backend-protocol.md §12): its
/// `hello`, its `resync`, its requests; the answers and events go back on the same connection,
/// in the order the service made them. Lives on the service's loop.
final class CallControlPeer: WebSocketApplication {
    private unowned let service: CallControlService
    private weak var connection: Connection?
    /// The instance as its upgrade named it (`X-Callgate-Instance`).
    let instance: String
    /// The instance and its address, for logs.
    let name: String

    init(service: CallControlService, instance: String, address: String) {
        self.service = service
        self.instance = instance
        name = "\(instance)@\(address)"
    }

    func opened(_ connection: Connection) {
        self.connection = connection
        service.opened(self)
        service.loop.metrics.routeEvent("switchboard", "gateway_connected")
        Log.info("switchboard_gateway_connected", ["peer": name])
        send(CallControlMessage.hello(CallControlHello(epoch: service.log.epoch, backend: CallControlService.backendName)).encoded())
    }

    func send(_ bytes: [UInt8]) {
        guard let connection else { return }
        bytes.withUnsafeBytes { try? connection.send(.text, $0) }
        connection.deferFlush()
    }

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        switch CallControlMessage.decode(text) {
        case .success(.hello(let hello)):
            if hello.version != CallControlProtocol.version { violation(connection, .unsupportedVersion(hello.version)) }
        case .success(.request(let id, let request)):
            service.perform(request, id: id, for: self)
        case .success(.resync(let epoch, let after, let signedIn)):
            service.resync(self, epoch: epoch, after: after, signedIn: signedIn)
        case .success(.answer), .success(.event), .success(.resynced):
            violation(connection, .malformed("an answer, event or resynced from a gateway"))
        case .success(.unknown):
            break
        case .failure(let error):
            if let answer = error.answer {
                service.loop.metrics.routeEvent("switchboard", "bad_request")
                send(answer.encoded())
            } else {
                violation(connection, error)
            }
        }
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        violation(connection, .malformed("a binary message"))
    }

    func closed(_ connection: Connection, code: CloseCode?) {
        service.closed(self)
        Log.info("switchboard_gateway_gone", ["peer": name, "code": code.map { "\($0.rawValue)" } ?? "none"])
    }

    private func violation(_ connection: Connection, _ error: CallControlProtocolError) {
        service.loop.metrics.routeEvent("switchboard", "protocol_error")
        Log.warning("switchboard_protocol_error", ["peer": name, "error": "\(error)"])
        connection.startClose(ClosePayload(code: CloseCode(error), reason: "call-control protocol error"))
        connection.deferFlush()
    }
}
