/// The constants of the call-control protocol (docs/backend-protocol.md §12): one WebSocket
/// from each gateway instance to the call-control back end (the Switchboard as its own process,
/// `callgate switchboard`, or a vendor's adapter in front of a PBX), carrying the requests of
/// `CallControlRequest` with their answers, and the back end's events for each user.
public enum CallControlProtocol {
    /// The subprotocol the gateway offers (RFC 6455 §4.1 `Sec-WebSocket-Protocol`); the back end
    /// MUST select it.
    public static let subprotocol = "callgate.callcontrol.v1"
    /// The `version` of `hello`, the same as the subprotocol's.
    public static let version = 1
    /// The path `callgate switchboard` serves the protocol on.
    public static let path = "/callcontrol"
    /// Request header naming the gateway instance that opened the connection.
    public static let instanceHeader = "X-Callgate-Instance"
    /// The largest request `id` and event `n`: 2^53 − 1, exact in every JSON reader (RFC 8259 §6).
    public static let maxNumber: UInt64 = (1 << 53) - 1
}
