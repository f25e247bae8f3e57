/// One header field of a parsed message: its name, its value unfolded, and where its lines are
/// in the message (so that a field can be left out when the message is forwarded).
public struct SIPHeaderField: Hashable, Sendable {
    public var name: SIPHeaderName
    /// The name as written (`v`, `VIA`, …).
    public var writtenName: String
    /// RFC 3261 §7.3.1: the value with each line fold (CRLF and the whitespace around it) read
    /// as one SP, and leading and trailing whitespace removed.
    public var value: String
    /// The field's bytes in `SIPMessage.bytes`, continuation lines and the final CRLF included.
    public var range: Range<Int>

    public init(name: SIPHeaderName, writtenName: String, value: String, range: Range<Int>) {
        self.name = name
        self.writtenName = writtenName
        self.value = value
        self.range = range
    }
}
