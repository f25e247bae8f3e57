/// Why bytes from a server are not RESP, or more than `RESPLimits` allows. After any of these
/// the stream cannot be resynchronised: the connection must be closed.
public enum RESPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first byte of a value is not a RESP2 or RESP3 type.
    case unknownType(UInt8)
    /// `$?` or `*?` (RESP3.md "Streamed strings", "Streamed aggregated data types"): not sent by
    /// Redis to clients, not accepted here.
    case streamedType
    /// A length or count is not a decimal number, or negative other than RESP2's `-1` null.
    case malformedLength(String)
    /// A `:` value is not a signed 64-bit decimal integer.
    case malformedInteger(String)
    /// A `,` value is not a double (RESP3.md "Double").
    case malformedDouble(String)
    /// A `#` value is neither `t` nor `f`.
    case malformedBoolean(String)
    /// A `(` value is not an optionally signed run of digits.
    case malformedBigNumber(String)
    /// A verbatim string shorter than its `fmt:` prefix, without the colon, or with a format
    /// that is not printable ASCII.
    case malformedVerbatim
    /// A string's bytes are not followed by CR LF, or a line holds a CR or LF of its own.
    case missingCRLF
    /// A `_` null with something between the `_` and its CR LF.
    case malformedNull
    /// A bulk string, blob error or verbatim string announced longer than `maxBulkBytes`.
    case bulkTooLong(length: Int, limit: Int)
    /// A line longer than `maxLineBytes` without its CR LF.
    case lineTooLong(limit: Int)
    /// Aggregates nested deeper than `maxDepth`.
    case tooDeep(limit: Int)
    /// One reply with more than `maxElements` values in all.
    case tooManyElements(limit: Int)

    public var description: String {
        switch self {
        case .unknownType(let byte): "unknown RESP type byte 0x\(String(byte, radix: 16))"
        case .streamedType: "streamed RESP3 types are not supported"
        case .malformedLength(let text): "malformed length \"\(text)\""
        case .malformedInteger(let text): "malformed integer \"\(text)\""
        case .malformedDouble(let text): "malformed double \"\(text)\""
        case .malformedBoolean(let text): "malformed boolean \"\(text)\""
        case .malformedBigNumber(let text): "malformed big number \"\(text)\""
        case .malformedVerbatim: "verbatim string without its format prefix"
        case .missingCRLF: "a value is not terminated by CR LF"
        case .malformedNull: "a null with content"
        case .bulkTooLong(let length, let limit): "bulk string of \(length) bytes over the limit of \(limit)"
        case .lineTooLong(let limit): "line over \(limit) bytes"
        case .tooDeep(let limit): "aggregates nested deeper than \(limit)"
        case .tooManyElements(let limit): "reply with more than \(limit) values"
        }
    }
}
