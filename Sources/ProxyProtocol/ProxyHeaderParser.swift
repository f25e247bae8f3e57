/// Reads a PROXY protocol header (HAProxy `doc/proxy-protocol.txt`) from the first bytes of a
/// connection. Pure and stateless: call it with everything received so far; it answers
/// `.needMore` until it can decide, so the caller buffers at most `v1MaximumLength` bytes for
/// a v1 line and `16 + 65535` for a v2 header (the length field is 16 bits).
///
/// v1 (§2.1): `PROXY TCP4|TCP6 src dst sport dport\r\n`, or `PROXY UNKNOWN …\r\n`, at most 107
/// bytes with the CR LF. v2 (§2.2): the 12-byte signature, version and command, family and
/// transport, a 16-bit length, then the addresses (12 bytes for IPv4, 36 for IPv6, 216 for
/// Unix) and TLVs, which are checked for framing and skipped.
public enum ProxyHeaderParser {
    public enum Outcome: Sendable, Hashable {
        /// The bytes so far are a prefix of a header: wait for more.
        case needMore
        /// The connection does not start with a PROXY signature (decided at the first byte that
        /// differs from both signatures).
        case absent
        case header(ProxyHeader)
    }

    /// §2.1: "PROXY UNKNOWN" with two full IPv6 addresses and ports, CR LF included.
    public static let v1MaximumLength = 107
    /// §2.2: `\r\n\r\n\0\r\nQUIT\n`.
    public static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v1Signature = Array("PROXY ".utf8)

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(ProxyProtocolError) -> Outcome {
        guard let first = bytes.first else { return .needMore }
        if first == v2Signature[0] {
            let compared = min(bytes.count, v2Signature.count)
            guard bytes.prefix(compared).elementsEqual(v2Signature.prefix(compared)) else { return .absent }
            return try parseV2(bytes)
        }
        let compared = min(bytes.count, v1Signature.count)
        guard bytes.prefix(compared).elementsEqual(v1Signature.prefix(compared)) else { return .absent }
        return try parseV1(bytes)
    }

    // MARK: version 1

    private static func parseV1(_ bytes: UnsafeRawBufferPointer) throws(ProxyProtocolError) -> Outcome {
        let window = bytes.prefix(v1MaximumLength)
        guard let lf = window.firstIndex(of: 0x0A) else {
            if let cr = window.firstIndex(of: 0x0D), cr + 1 < window.count { throw .v1MissingCRLF }
            if bytes.count >= v1MaximumLength { throw .v1LineTooLong }
            return .needMore
        }
        // §2.1: "The receiver must not tolerate a single CR or LF character to end the line".
        guard lf > 0, bytes[lf - 1] == 0x0D, !window[..<(lf - 1)].contains(0x0D) else { throw .v1MissingCRLF }
        let line = Array(bytes[v1Signature.count..<(lf - 1)])
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        let proto = String(decoding: fields[0], as: UTF8.self)
        let length = lf + 1
        switch proto {
        case "UNKNOWN":
            // §2.1: "the receiver must ignore anything presented before the CRLF is found".
            return .header(ProxyHeader(version: .v1, source: nil, destination: nil, length: length))
        case "TCP4", "TCP6":
            guard fields.count == 5,
                  let source = IPAddress(String(decoding: fields[1], as: UTF8.self)),
                  let destination = IPAddress(String(decoding: fields[2], as: UTF8.self)),
                  source.bitCount == (proto == "TCP4" ? 32 : 128), destination.bitCount == source.bitCount,
                  let sourcePort = port(fields[3]), let destinationPort = port(fields[4]) else {
                throw .v1MalformedAddresses
            }
            return .header(ProxyHeader(version: .v1, source: .init(address: source, port: sourcePort),
                                       destination: .init(address: destination, port: destinationPort), length: length))
        default:
            throw .v1UnknownProtocol(String(proto.prefix(16)))
        }
    }

    /// §2.1: a decimal 0–65535 without leading zeros.
    private static func port(_ digits: ArraySlice<UInt8>) -> UInt16? {
        guard (1...5).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              digits.count == 1 || digits.first != 0x30 else { return nil }
        return UInt16(exactly: digits.reduce(0) { $0 * 10 + Int($1 - 0x30) })
    }

    // MARK: version 2

    private static func parseV2(_ bytes: UnsafeRawBufferPointer) throws(ProxyProtocolError) -> Outcome {
        guard bytes.count >= 16 else { return .needMore }
        let versionCommand = bytes[12], familyTransport = bytes[13]
        guard versionCommand >> 4 == 2 else { throw .v2UnsupportedVersion(versionCommand) }
        let command = versionCommand & 0x0F
        guard command <= 1 else { throw .v2UnknownCommand(versionCommand) }
        let family = familyTransport >> 4, transport = familyTransport & 0x0F
        guard family <= 3, transport <= 2 else { throw .v2UnknownFamily(familyTransport) }
        let blockLength = Int(bytes[14]) << 8 | Int(bytes[15])
        let total = 16 + blockLength
        guard bytes.count >= total else { return .needMore }
        // §2.2 LOCAL: "the receiver must accept this connection as valid and must use the real
        // connection endpoints and discard the protocol block including the family".
        guard command == 1 else { return .header(ProxyHeader(version: .v2, source: nil, destination: nil, length: total)) }
        let block = UnsafeRawBufferPointer(rebasing: bytes[16..<total])
        let addressLength: Int
        switch family {
        case 1: addressLength = 12
        case 2: addressLength = 36
        case 3: addressLength = 216
        default:
            // AF_UNSPEC: "The receiver should ignore address information."
            return .header(ProxyHeader(version: .v2, source: nil, destination: nil, length: total))
        }
        guard blockLength >= addressLength else { throw .v2AddressesTruncated(family: family, length: blockLength) }
        try checkTLVs(UnsafeRawBufferPointer(rebasing: block[addressLength...]))
        guard family != 3 else { return .header(ProxyHeader(version: .v2, source: nil, destination: nil, length: total)) }
        let size = family == 1 ? 4 : 16
        let portAt = 2 * size
        let source = ProxyHeader.Endpoint(address: IPAddress(bytes: block[0..<size])!,
                                          port: UInt16(block[portAt]) << 8 | UInt16(block[portAt + 1]))
        let destination = ProxyHeader.Endpoint(address: IPAddress(bytes: block[size..<portAt])!,
                                               port: UInt16(block[portAt + 2]) << 8 | UInt16(block[portAt + 3]))
        return .header(ProxyHeader(version: .v2, source: source, destination: destination, length: total))
    }

    /// §2.2: type, 16-bit length, value; each must end within the header. Their contents are
    /// not used.
    private static func checkTLVs(_ tlvs: UnsafeRawBufferPointer) throws(ProxyProtocolError) {
        var offset = 0
        while offset < tlvs.count {
            guard tlvs.count - offset >= 3 else { throw .v2MalformedTLV }
            let length = Int(tlvs[offset + 1]) << 8 | Int(tlvs[offset + 2])
            offset += 3 + length
            guard offset <= tlvs.count else { throw .v2MalformedTLV }
        }
    }
}
