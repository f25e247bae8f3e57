/// A value that breaks its RFC 3261 §25.1 grammar (a URI, name-addr, Via, parameter), with a
/// short description; `SIPParseError.invalidHeader` names the header field it was found in.
public struct SIPSyntaxError: Error, Hashable, Sendable {
    public var detail: String

    public init(detail: String) {
        self.detail = detail
    }
}
