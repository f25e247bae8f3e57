/// The closing handshake, RFC 6455 §5.5.1 and §7.1, as a state machine that returns what to do.
///
/// An endpoint sends at most one close frame and no data after it; once both sides have sent
/// one, the TCP connection is closed (the server closes it first, §7.1.1).
public struct CloseHandshake: Sendable {
    public enum State: Sendable { case open, closeSent, closed }
    public private(set) var state: State = .open

    public init() {}

    /// Whether data frames may still be sent (§5.5.1: none after our close frame).
    public var canSendData: Bool { state == .open }

    public enum ReceivedCloseAction: Equatable, Sendable {
        /// Reply with this close frame, then close the connection.
        case reply(ClosePayload)
        /// Our close was answered: the handshake is complete, close the connection.
        case closeConnection
        /// A close after the handshake completed: ignore it.
        case ignore
    }

    /// §5.5.1: on receiving a close, an endpoint that has not sent one replies with a close,
    /// typically echoing the status code it received.
    public mutating func receivedClose(_ payload: ClosePayload) -> ReceivedCloseAction {
        switch state {
        case .open:
            state = .closed
            return .reply(ClosePayload(code: payload.code))
        case .closeSent:
            state = .closed
            return .closeConnection
        case .closed:
            return .ignore
        }
    }

    public enum SendCloseAction: Equatable, Sendable {
        /// Send the close frame, stop sending data, and wait for the peer's close.
        case send
        /// A close frame was already sent: do nothing more.
        case alreadyClosing
    }

    /// We start the closing handshake (an error, a shutdown, the application's wish).
    public mutating func sendClose() -> SendCloseAction {
        guard state == .open else { return .alreadyClosing }
        state = .closeSent
        return .send
    }
}
