import WSFraming

/// What runs on top of an open WebSocket: the echo route now, the gateway's routes later.
/// Called on the connection's loop thread; payloads are valid only during the call.
protocol WebSocketApplication: AnyObject {
    func opened(_ connection: Connection)
    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError)
    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError)
    /// The connection is gone; `code` is the peer's close code, or nil (1006) without one.
    func closed(_ connection: Connection, code: CloseCode?)
}

extension WebSocketApplication {
    func opened(_ connection: Connection) {}
    func closed(_ connection: Connection, code: CloseCode?) {}
}

/// Sends every message back as it came (RFC 6455 conformance runs and benchmarks).
final class EchoApplication: WebSocketApplication, Sendable {
    static let shared = EchoApplication()

    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError) {
        try connection.send(.text, text)
    }

    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError) {
        try connection.send(.binary, binary)
    }
}
