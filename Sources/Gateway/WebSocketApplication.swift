import WSFraming

/// What runs on top of an open WebSocket: the echo paths, a route's session, an upstream link.
/// Called on the connection's loop thread; payloads are valid only during the call.
protocol WebSocketApplication: AnyObject {
    func opened(_ connection: Connection)
    func received(_ connection: Connection, text: UnsafeRawBufferPointer) throws(WebSocketError)
    func received(_ connection: Connection, binary: UnsafeRawBufferPointer) throws(WebSocketError)
    /// The peer sent a close frame (RFC 6455 §5.5.1); the connection has answered it and ends soon.
    func peerClosing(_ connection: Connection, payload: ClosePayload)
    /// What we queued for the peer went above the high-water mark (true) or back below half of
    /// it (false): a relay stops or resumes reading the other side.
    func backpressureChanged(_ connection: Connection, backedUp: Bool)
    /// Every timer tick while the WebSocket is open (application deadlines).
    func tick(_ connection: Connection, now: UInt64)
    /// The connection is gone; `code` is the peer's close code, or nil (1006) without one.
    func closed(_ connection: Connection, code: CloseCode?)
    /// Where a relay sends the connection's messages unchanged, when it may take whole data
    /// frames as they are (`Connection+Relay.swift`); nil: every message goes to `received`.
    func relayPeer(of connection: Connection) -> Connection?
}

extension WebSocketApplication {
    func opened(_ connection: Connection) {}
    func peerClosing(_ connection: Connection, payload: ClosePayload) {}
    func backpressureChanged(_ connection: Connection, backedUp: Bool) {}
    func tick(_ connection: Connection, now: UInt64) {}
    func closed(_ connection: Connection, code: CloseCode?) {}
    func relayPeer(of connection: Connection) -> Connection? { nil }
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
