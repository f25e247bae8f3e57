/// A SIP status code with its reason phrase (RFC 3261 §21), for the responses Callgate makes.
public struct SIPStatus: Hashable, Sendable {
    public var code: Int
    public var phrase: String

    public init(code: Int, phrase: String) {
        self.code = code
        self.phrase = phrase
    }

    /// §21.4.1: the request could not be understood due to malformed syntax.
    public static let badRequest = SIPStatus(code: 400, phrase: "Bad Request")
    /// §21.4.4: understood, but the server refuses to fulfil it; authorization will not help.
    public static let forbidden = SIPStatus(code: 403, phrase: "Forbidden")
    /// §21.5.14: the message is larger than the server is willing or able to process.
    public static let messageTooLarge = SIPStatus(code: 513, phrase: "Message Too Large")
    /// §21.5.18: the SIP version of the request is not supported.
    public static let versionNotSupported = SIPStatus(code: 505, phrase: "Version Not Supported")
}
