/// One value a Redis server sends: the RESP2 types and the RESP3 ones
/// (redis-specifications `protocol/RESP3.md`, "RESP3 types").
///
/// RESP2's null bulk string (`$-1`) and null array (`*-1`) both become `.null`, as RESP3's `_`
/// replaced them. Attributes (`|`) are read and dropped: they only augment the value that
/// follows, and no command the gateway sends asks for them. Streamed strings and aggregates
/// (`$?`, `*?`) are refused (`RESPError.streamedType`): Redis 7.0 never sends them to a client.
public enum RESPValue: Sendable, Hashable {
    /// `+`: a short text without CR or LF (`+OK`).
    case simpleString(String)
    /// `-` (simple error) or `!` (blob error): the server refused the command.
    case error(RESPErrorReply)
    /// `:`: a signed 64-bit integer.
    case integer(Int64)
    /// `$`: binary-safe bytes.
    case bulkString([UInt8])
    /// `*`: an ordered list.
    case array([RESPValue])
    /// `_`, `$-1`, `*-1`.
    case null
    /// `,`: a double, `inf`, `-inf` and `nan` included.
    case double(Double)
    /// `#t`, `#f`.
    case boolean(Bool)
    /// `(`: an integer outside the 64-bit range, as its decimal digits.
    case bigNumber(String)
    /// `=`: bytes meant for a human, with their three-letter format (`txt`, `mkd`).
    case verbatimString(format: String, text: [UInt8])
    /// `%`: field-value pairs, in the order received.
    case map([RESPPair])
    /// `~`: an unordered collection (kept in the order received).
    case set([RESPValue])
    /// `>`: out-of-band data (pub/sub messages under RESP3); never the reply to a command.
    case push([RESPValue])
}

/// One field and its value in a RESP3 map.
public struct RESPPair: Sendable, Hashable {
    public var key: RESPValue
    public var value: RESPValue

    public init(key: RESPValue, value: RESPValue) {
        self.key = key
        self.value = value
    }
}

/// The server's error reply: `-ERR unknown command` or `!21\r\nSYNTAX invalid syntax`. The first
/// word is the error code (RESP3.md, "Simple error").
public struct RESPErrorReply: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(message: String) { self.message = message }

    /// The upper-case first word: `ERR`, `WRONGTYPE`, `NOSCRIPT`, `WRONGPASS`, `NOAUTH`, …
    public var code: String { String(message.prefix(while: { $0 != " " })) }

    public var description: String { message }
}

extension RESPValue {
    /// The text of a simple, bulk or verbatim string (bytes decoded as UTF-8, invalid sequences
    /// replaced); nil for other types.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes), .verbatimString(_, let bytes): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The bytes of a bulk, verbatim or simple string; nil for other types.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes), .verbatimString(_, let bytes): bytes
        case .simpleString(let text): Array(text.utf8)
        default: nil
        }
    }

    /// An integer, or a string that holds one (Lua scripts and `INCR` answer `:`, `GET` a string).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulkString, .simpleString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array, set or push.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let items), .set(let items), .push(let items): items
        default: nil
        }
    }

    public var isNull: Bool { self == .null }
}
