/// One Via value (RFC 3261 §20.42, §25.1):
///
/// ```
/// via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
/// sent-protocol = protocol-name SLASH protocol-version SLASH transport     SLASH = SWS "/" SWS
/// sent-by       = host [ COLON port ]
/// ```
/// RFC 7118 §5.2 adds the transports `WS` and `WSS`.
public struct SIPVia: Hashable, Sendable {
    public var protocolName: String
    public var protocolVersion: String
    /// As written (`UDP`, `TCP`, `WSS`, …); compare case-insensitively.
    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]

    /// §8.1.1.7: the transaction's branch.
    public var branch: String? { parameters.value(of: "branch") ?? nil }

    public init(parsing text: String) throws(SIPSyntaxError) {
        var scanner = SIPScanner(text)
        scanner.skipWhitespace()
        func part(_ what: String) throws(SIPSyntaxError) -> String {
            guard let token = scanner.token() else { throw SIPSyntaxError(detail: "no \(what) in \"\(text)\"") }
            return token
        }
        protocolName = try part("protocol name")
        scanner.skipWhitespace()
        try scanner.expect(0x2F, "/ after the protocol name")
        scanner.skipWhitespace()
        protocolVersion = try part("protocol version")
        scanner.skipWhitespace()
        try scanner.expect(0x2F, "/ after the protocol version")
        scanner.skipWhitespace()
        transport = try part("transport")
        guard scanner.skipWhitespace() > 0 else { throw SIPSyntaxError(detail: "no space before the sent-by in \"\(text)\"") }
        if scanner.peek == 0x5B {
            host = scanner.take { $0 != 0x5D }
            try scanner.expect(0x5D, "] closing the IPv6 reference")
            host += "]"
        } else {
            host = scanner.take { SIPSyntax.isAlphanumeric($0) || $0 == 0x2D || $0 == 0x2E }
        }
        guard !host.isEmpty else { throw SIPSyntaxError(detail: "no sent-by host in \"\(text)\"") }
        scanner.skipWhitespace()
        if scanner.consume(0x3A) {
            scanner.skipWhitespace()
            guard let value = SIPSyntax.number(scanner.take(while: SIPSyntax.isDigit), maximum: 65_535) else {
                throw SIPSyntaxError(detail: "invalid port in \"\(text)\"")
            }
            port = Int(value)
        }
        parameters = try scanner.parameters()
    }
}
