/// A response whose status line and core header fields follow RFC 3261 §7.2, §8.2.6 and §25.1.
///
/// ```
/// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF     Status-Code = 3DIGIT
/// ```
/// A response that fails these checks is discarded by a relay (§16.7 step 1; RFC 4475
/// `scalarlg`, `bigcode`): nothing answers a response.
public struct SIPResponse: Sendable {
    public var status: Int
    /// May be empty (RFC 4475 §3.1.1.13, `noreason`) and hold UTF-8 (`unreason`).
    public var reasonPhrase: String
    public var headers: SIPCommonHeaders
    public let message: SIPMessage

    public init(_ message: SIPMessage, limits: SIPLimits) throws(SIPParseError) {
        precondition(message.isResponse, "a request is read by SIPRequest")
        let line = message.startLine
        guard let firstSpace = line.firstIndex(of: " ") else { throw .invalidStatusLine(line) }
        let version = String(line[..<firstSpace])
        do {
            try SIPRequest.checkVersion(version)
        } catch .unsupportedVersion(let value) {
            throw .unsupportedVersion(value)
        } catch {
            throw .invalidStatusLine("\(version) is not a SIP version")
        }
        let rest = line[line.index(after: firstSpace)...]
        let code = rest.prefix(3)
        guard code.count == 3, let status = Int(code), (100...699).contains(status),
              rest.dropFirst(3).first == " " else {
            throw .invalidStatusLine("the status code of \(line) is not 3 digits from 100 to 699")
        }
        self.status = status
        reasonPhrase = String(rest.dropFirst(4))
        headers = try SIPCommonHeaders(message, limits: limits)
        self.message = message
    }
}
