/// An address and a prefix length (`10.0.0.0/8`, `2001:db8::/32`), or a single address (`/32`,
/// `/128` implied): one entry of `proxy.trustedProxies`. RFC 4632 §3.1 for the notation.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/LENGTH`; bits set beyond the prefix are refused, so that a
    /// typo like `10.0.0.1/8` is caught rather than silently widened.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.bitCount
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...maximum).contains(parsed),
                  parts[1].first != "+" else { return nil }
            length = parsed
        }
        guard address.masked(to: length) == address else { return nil }
        network = address
        prefixLength = length
    }

    /// Whether `address` is inside the range; an IPv4-mapped IPv6 address is matched as the
    /// IPv4 address it carries.
    public func contains(_ address: IPAddress) -> Bool {
        let candidate = address.unmapped
        guard candidate.bitCount == network.bitCount else { return false }
        return candidate.masked(to: prefixLength) == network
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

extension IPAddress {
    var bitCount: Int {
        switch self { case .v4: 32; case .v6: 128 }
    }

    /// The address with every bit after the first `length` cleared.
    func masked(to length: Int) -> IPAddress {
        switch self {
        case .v4(let value):
            return .v4(length == 0 ? 0 : value & ~UInt32(0) << UInt32(32 - length))
        case .v6(let high, let low):
            let highMask: UInt64 = length >= 64 ? ~0 : length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length)
            let lowMask: UInt64 = length >= 128 ? ~0 : length <= 64 ? 0 : ~UInt64(0) << UInt64(128 - length)
            return .v6(high: high & highMask, low: low & lowMask)
        }
    }
}
