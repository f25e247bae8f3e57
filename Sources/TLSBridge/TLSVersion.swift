/// A TLS protocol version as it appears on the wire (`ProtocolVersion`, RFC 8446 §4.1.2 and
/// RFC 5246 §6.2.1): a small typed value, so that an old or unknown version is representable.
public struct TLSVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The two-byte wire value, e.g. `0x0304` for TLS 1.3.
    public let wireValue: UInt16

    public init(wireValue: UInt16) {
        self.wireValue = wireValue
    }

    /// TLS 1.0 and 1.1 exist only to be refused (RFC 8996 deprecates them); a client may name one
    /// to talk to an old back end, a server never accepts them.
    public static let tls10 = TLSVersion(wireValue: 0x0301)
    public static let tls11 = TLSVersion(wireValue: 0x0302)
    /// RFC 5246.
    public static let tls12 = TLSVersion(wireValue: 0x0303)
    /// RFC 8446.
    public static let tls13 = TLSVersion(wireValue: 0x0304)

    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool {
        lhs.wireValue < rhs.wireValue
    }

    /// OpenSSL's spelling: `TLSv1.2`, `TLSv1.3`, or the hex value when unknown.
    public var description: String {
        switch wireValue {
        case 0x0300: "SSLv3"
        case 0x0301: "TLSv1"
        case 0x0302: "TLSv1.1"
        case 0x0303: "TLSv1.2"
        case 0x0304: "TLSv1.3"
        default: "TLS(0x" + String(wireValue, radix: 16) + ")"
        }
    }
}
