/// The CSeq value (RFC 3261 §20.16): `CSeq = 1*DIGIT LWS Method`. §8.1.1.5: the number is a
/// 32-bit unsigned integer (RFC 4475 §3.1.2.4, `scalar02`, is refused past it).
public struct SIPCSeq: Hashable, Sendable {
    public var number: UInt32
    public var method: String

    public init(number: UInt32, method: String) {
        self.number = number
        self.method = method
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        var scanner = SIPScanner(text)
        scanner.skipWhitespace()
        let digits = scanner.take(while: SIPSyntax.isDigit)
        guard let number = SIPSyntax.number(digits, maximum: UInt64(UInt32.max)) else {
            throw SIPSyntaxError(detail: digits.isEmpty ? "no sequence number" : "sequence number \(digits) is not a 32-bit number")
        }
        guard scanner.skipWhitespace() > 0, let method = scanner.token() else { throw SIPSyntaxError(detail: "no method after the number") }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw SIPSyntaxError(detail: "unexpected \"\(scanner.rest)\" after the method") }
        self.number = UInt32(number)
        self.method = method
    }
}
