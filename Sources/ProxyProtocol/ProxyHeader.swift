/// A PROXY protocol header (HAProxy's `doc/proxy-protocol.txt`, versions 1 and 2): what a load
/// balancer says about the client connection it relays.
public struct ProxyHeader: Sendable, Hashable {
    public enum Version: Sendable, Hashable { case v1, v2 }

    /// One end of the relayed connection.
    public struct Endpoint: Sendable, Hashable {
        public var address: IPAddress
        public var port: UInt16

        public init(address: IPAddress, port: UInt16) {
            self.address = address
            self.port = port
        }
    }

    public var version: Version
    /// The client's end; nil when the receiver must use the real connection's endpoints: a v2
    /// `LOCAL` command (§2.2, the proxy's own health checks), a v1 `UNKNOWN` line (§2.1), or a v2
    /// family the gateway does not take an address from (`AF_UNSPEC`, `AF_UNIX`).
    public var source: Endpoint?
    /// The address the client connected to, when `source` is set.
    public var destination: Endpoint?
    /// Bytes of the header, signature to the last TLV: the application's data starts after them.
    public var length: Int

    public init(version: Version, source: Endpoint?, destination: Endpoint?, length: Int) {
        self.version = version
        self.source = source
        self.destination = destination
        self.length = length
    }
}
