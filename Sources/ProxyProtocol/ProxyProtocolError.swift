/// Why the bytes at the start of a connection are a broken PROXY header. The spec's rule for
/// all of them (§2.1): "Any sequence which does not exactly match the protocol must be
/// discarded and cause the receiver to abort the connection."
public enum ProxyProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// §2.1: no CR LF within the first 107 bytes of a v1 line.
    case v1LineTooLong
    /// §2.1: the line ends in a bare LF, or a CR not followed by LF.
    case v1MissingCRLF
    /// §2.1: the protocol is not `TCP4`, `TCP6` or `UNKNOWN`.
    case v1UnknownProtocol(String)
    /// §2.1: not exactly `SP src SP dst SP sport SP dport`, an address not of the announced
    /// family, or a port out of range or with a leading zero.
    case v1MalformedAddresses
    /// §2.2: the 13th byte's high nibble must be 2.
    case v2UnsupportedVersion(UInt8)
    /// §2.2: the command must be 0 (LOCAL) or 1 (PROXY).
    case v2UnknownCommand(UInt8)
    /// §2.2: the family must be 0–3 and the transport 0–2.
    case v2UnknownFamily(UInt8)
    /// §2.2: the length is shorter than the announced family's address block.
    case v2AddressesTruncated(family: UInt8, length: Int)
    /// §2.2: a TLV's length runs past the end of the header.
    case v2MalformedTLV

    public var description: String {
        switch self {
        case .v1LineTooLong: "PROXY v1 line without CR LF in 107 bytes"
        case .v1MissingCRLF: "PROXY v1 line not ended by CR LF"
        case .v1UnknownProtocol(let text): "PROXY v1 protocol \"\(text)\" is not TCP4, TCP6 or UNKNOWN"
        case .v1MalformedAddresses: "PROXY v1 addresses or ports malformed"
        case .v2UnsupportedVersion(let byte): "PROXY v2 version nibble \(byte >> 4) is not 2"
        case .v2UnknownCommand(let byte): "PROXY v2 command \(byte & 0x0F) is neither LOCAL nor PROXY"
        case .v2UnknownFamily(let byte): "PROXY v2 family/transport byte 0x\(String(byte, radix: 16)) is not defined"
        case .v2AddressesTruncated(let family, let length): "PROXY v2 family 0x\(String(family, radix: 16)) with \(length) address bytes"
        case .v2MalformedTLV: "PROXY v2 TLV runs past the header"
        }
    }
}
