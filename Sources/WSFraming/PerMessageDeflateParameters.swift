/// The permessage-deflate parameters both ends agreed on during the opening handshake,
/// RFC 7692 §7.1. Produced by negotiation, consumed by the codec.
public struct PerMessageDeflateParameters: Hashable, Sendable {
    /// RFC 7692 §7.1.2.1: LZ77 window (base-2 log) the server compresses with, 8–15.
    public var serverMaxWindowBits: Int
    /// RFC 7692 §7.1.2.2: LZ77 window (base-2 log) the client compresses with, 8–15.
    public var clientMaxWindowBits: Int
    /// RFC 7692 §7.1.1.1: the server resets its compression context after each message.
    public var serverNoContextTakeover: Bool
    /// RFC 7692 §7.1.1.2: the client resets its compression context after each message.
    public var clientNoContextTakeover: Bool

    public init(
        serverMaxWindowBits: Int = 15,
        clientMaxWindowBits: Int = 15,
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false
    ) {
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
    }
}
