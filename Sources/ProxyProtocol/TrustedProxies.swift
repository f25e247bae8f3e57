/// The load balancers and reverse proxies whose word on the client's address is taken
/// (`proxy.trustedProxies`, docs/config.md): only a connection from one of them may carry a
/// PROXY header, and only its `X-Forwarded-For` or `Forwarded` is read.
public struct TrustedProxies: Sendable, Hashable {
    public let ranges: [IPAddressRange]

    public static let none = TrustedProxies(ranges: [])

    public init(ranges: [IPAddressRange]) { self.ranges = ranges }

    /// Parses each entry; returns the first one that is not an address or a CIDR range.
    public static func parse(_ entries: [String]) -> Result<TrustedProxies, InvalidEntry> {
        var ranges: [IPAddressRange] = []
        for entry in entries {
            guard let range = IPAddressRange(entry) else { return .failure(InvalidEntry(entry: entry)) }
            ranges.append(range)
        }
        return .success(TrustedProxies(ranges: ranges))
    }

    public struct InvalidEntry: Error, Equatable, CustomStringConvertible {
        public let entry: String
        public var description: String { "\"\(entry)\" is not an IP address or ADDRESS/PREFIX range (bits past the prefix must be 0)" }
    }

    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ address: IPAddress) -> Bool { ranges.contains { $0.contains(address) } }

    /// The same for a numeric host as the gateway prints it; a host that is not an address
    /// (a Unix socket, "unknown") is not trusted.
    public func contains(host: String) -> Bool {
        guard !ranges.isEmpty else { return false }
        return IPAddress(host).map(contains) ?? false
    }
}
