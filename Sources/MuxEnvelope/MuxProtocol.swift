/// The constants of the mux envelope between the gateway and a back end
/// (docs/backend-protocol.md). Many browser sessions share one upstream WebSocket connection;
/// data travels in binary frames tagged with a session id (`MuxFrame`), control in text frames
/// holding one JSON object each (`MuxControl`).
public enum MuxProtocol {
    /// The subprotocol the gateway offers (RFC 6455 §4.1 `Sec-WebSocket-Protocol`). The back
    /// end MUST select it; a handshake response without it is a failed connection.
    public static let subprotocol = "callgate.mux.v1"
    /// The `version` of the `hello` control message.
    public static let version = 1
    /// Request header naming the channel whose sessions the connection carries.
    public static let channelHeader = "X-Callgate-Channel"
    /// Request header naming the gateway instance that opened the connection.
    public static let instanceHeader = "X-Callgate-Instance"
}
