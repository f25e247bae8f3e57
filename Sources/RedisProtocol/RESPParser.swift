/// Turns the bytes a Redis server sends into `RESPValue`s, incrementally (docs/style.md §1): `append`
/// what the socket read, then call `next()` until it returns nil ("need more"). A reply split
/// anywhere gives the same values as the reply in one piece, and no byte is parsed twice: open
/// aggregates wait on a stack, a string whose header was read waits for its body, and the
/// search for a line's CR LF resumes where it stopped.
///
/// Wire format: redis-specifications `protocol/RESP3.md` (RESP2 is its subset): a type byte,
/// then either a line ending in CR LF (`+`, `-`, `:`, `_`, `,`, `#`, `(`), a length line and that
/// many bytes plus CR LF (`$`, `!`, `=`), or a count line and that many values (`*`, `~`, `>`,
/// and `%`, `|` whose count is of pairs).
///
/// Bounded by `RESPLimits`, checked on each header before anything is allocated. After an
/// error every later `next()` throws it again: the stream cannot be resynchronised.
public struct RESPParser: Sendable {
    public let limits: RESPLimits
    private var buffer: [UInt8] = []
    /// The first byte not consumed yet.
    private var start = 0
    /// Bytes after `start` already searched for LF without finding one.
    private var scanned = 0
    private var open: [Aggregate] = []
    /// A `$`, `!` or `=` header was read: its body is awaited.
    private var pendingString: PendingString?
    /// Values completed so far in the reply being read (every level).
    private var valuesInReply = 0
    private var failure: RESPError?

    private enum AggregateKind { case array, set, push, map, attribute }

    private struct Aggregate {
        var kind: AggregateKind
        var remaining: Int
        var items: [RESPValue]
    }

    private enum StringKind { case bulk, blobError, verbatim }

    private struct PendingString {
        var kind: StringKind
        var length: Int
    }

    private static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Whether part of a value has been received: bytes waiting, an aggregate or a string
    /// begun. A connection that ends in this state ended mid-reply.
    public var isMidReply: Bool { start < buffer.count || !open.isEmpty || pendingString != nil }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete value, or nil when more bytes are needed.
    public mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    /// Drops the consumed prefix once it is worth the move.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 << 10)
            start = 0
        } else if start >= 4096 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private mutating func consume(_ count: Int) {
        start += count
        scanned = 0
    }

    private mutating func step() throws(RESPError) -> RESPValue? {
        while true {
            var completed: RESPValue
            if let pending = pendingString {
                guard buffer.count - start >= pending.length + 2 else { return nil }
                let end = start + pending.length
                guard buffer[end] == Self.cr && buffer[end + 1] == Self.lf else { throw .missingCRLF }
                let body = Array(buffer[start..<end])
                consume(pending.length + 2)
                pendingString = nil
                completed = try Self.string(pending.kind, body)
            } else {
                guard let lineEnd = try findLineEnd() else { return nil }
                let type = buffer[start]
                let content = buffer[(start + 1)..<lineEnd]
                consume(lineEnd + 2 - start)
                guard let value = try parseLine(type: type, content: content) else { continue }
                completed = value
            }
            // A value is complete: it fills its aggregate's slot, which may complete that one too.
            while true {
                valuesInReply += 1
                guard valuesInReply <= limits.maxElements else { throw .tooManyElements(limit: limits.maxElements) }
                guard !open.isEmpty else {
                    valuesInReply = 0
                    return completed
                }
                let top = open.count - 1
                open[top].items.append(completed)
                open[top].remaining -= 1
                guard open[top].remaining == 0 else { break }
                let finished = open.removeLast()
                guard let value = Self.aggregate(finished) else { break } // an attribute: dropped
                completed = value
            }
        }
    }

    /// The index of the CR of the line at `start`, or nil until its LF has arrived. RESP3.md
    /// "Simple string": a line cannot hold CR or LF, so a CR not followed by LF, or an LF not
    /// preceded by CR, is an error where it stands (a CR that ends the input waits for the next byte).
    private mutating func findLineEnd() throws(RESPError) -> Int? {
        let searchEnd = min(buffer.count, start + limits.maxLineBytes + 2)
        var index = start + scanned
        while index < searchEnd {
            let byte = buffer[index]
            if byte == Self.lf {
                throw index == start ? .unknownType(Self.lf) : .missingCRLF
            }
            if byte == Self.cr {
                guard index + 1 < buffer.count else { break }
                guard index > start else { throw .unknownType(Self.cr) }
                guard buffer[index + 1] == Self.lf else { throw .missingCRLF }
                guard index - start <= limits.maxLineBytes else { throw .lineTooLong(limit: limits.maxLineBytes) }
                return index
            }
            index += 1
        }
        guard index - start < limits.maxLineBytes + 2 else { throw .lineTooLong(limit: limits.maxLineBytes) }
        scanned = index - start
        return nil
    }

    /// A line-typed value, or nil when the line opened an aggregate or a string header.
    private mutating func parseLine(type: UInt8, content: ArraySlice<UInt8>) throws(RESPError) -> RESPValue? {
        switch type {
        case UInt8(ascii: "+"):
            return .simpleString(String(decoding: content, as: UTF8.self))
        case UInt8(ascii: "-"):
            return .error(RESPErrorReply(message: String(decoding: content, as: UTF8.self)))
        case UInt8(ascii: ":"):
            guard let value = Self.integer(content) else { throw .malformedInteger(Self.text(content)) }
            return .integer(value)
        case UInt8(ascii: "_"):
            guard content.isEmpty else { throw .malformedNull }
            return .null
        case UInt8(ascii: ","):
            return .double(try Self.double(content))
        case UInt8(ascii: "#"):
            if content.elementsEqual([UInt8(ascii: "t")]) { return .boolean(true) }
            if content.elementsEqual([UInt8(ascii: "f")]) { return .boolean(false) }
            throw .malformedBoolean(Self.text(content))
        case UInt8(ascii: "("):
            guard Self.isBigNumber(content) else { throw .malformedBigNumber(Self.text(content)) }
            return .bigNumber(Self.text(content))
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            // RESP2: `$-1` is the null bulk string.
            guard let length = try Self.length(content, allowsNull: type == UInt8(ascii: "$")) else { return .null }
            guard length <= limits.maxBulkBytes else { throw .bulkTooLong(length: length, limit: limits.maxBulkBytes) }
            let kind: StringKind = type == UInt8(ascii: "$") ? .bulk : type == UInt8(ascii: "!") ? .blobError : .verbatim
            pendingString = PendingString(kind: kind, length: length)
            return nil
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            let kind: AggregateKind = switch type {
            case UInt8(ascii: "*"): .array
            case UInt8(ascii: "~"): .set
            case UInt8(ascii: ">"): .push
            case UInt8(ascii: "%"): .map
            default: .attribute
            }
            // RESP2: `*-1` is the null array.
            guard let count = try Self.length(content, allowsNull: kind == .array) else { return .null }
            guard count <= limits.maxElements else { throw .tooManyElements(limit: limits.maxElements) }
            let values = kind == .map || kind == .attribute ? count * 2 : count
            guard values <= limits.maxElements else { throw .tooManyElements(limit: limits.maxElements) }
            if values == 0 {
                return kind == .attribute ? nil : Self.aggregate(Aggregate(kind: kind, remaining: 0, items: []))
            }
            guard open.count < limits.maxDepth else { throw .tooDeep(limit: limits.maxDepth) }
            var items: [RESPValue] = []
            items.reserveCapacity(min(values, 1024))
            open.append(Aggregate(kind: kind, remaining: values, items: items))
            return nil
        default:
            throw .unknownType(type)
        }
    }

    private static func string(_ kind: StringKind, _ body: [UInt8]) throws(RESPError) -> RESPValue {
        switch kind {
        case .bulk:
            return .bulkString(body)
        case .blobError:
            return .error(RESPErrorReply(message: String(decoding: body, as: UTF8.self)))
        case .verbatim:
            // RESP3.md "Verbatim string": three bytes of format (`txt`, `mkd`: printable ASCII
            // here, so that the format is text), then `:`.
            guard body.count >= 4, body[3] == UInt8(ascii: ":"), body[0..<3].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw .malformedVerbatim
            }
            return .verbatimString(format: String(decoding: body[0..<3], as: UTF8.self), text: Array(body[4...]))
        }
    }

    /// The finished aggregate as a value; nil for an attribute, which is dropped.
    private static func aggregate(_ aggregate: Aggregate) -> RESPValue? {
        switch aggregate.kind {
        case .array: return .array(aggregate.items)
        case .set: return .set(aggregate.items)
        case .push: return .push(aggregate.items)
        case .attribute: return nil
        case .map:
            var pairs: [RESPPair] = []
            pairs.reserveCapacity(aggregate.items.count / 2)
            var index = 0
            while index < aggregate.items.count {
                pairs.append(RESPPair(key: aggregate.items[index], value: aggregate.items[index + 1]))
                index += 2
            }
            return .map(pairs)
        }
    }

    // MARK: numbers

    private static func text(_ content: ArraySlice<UInt8>) -> String {
        String(decoding: content.prefix(64), as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A length or count: decimal digits, or `-1` where `allowsNull` (returned as nil). `?`
    /// opens a streamed type.
    private static func length(_ content: ArraySlice<UInt8>, allowsNull: Bool) throws(RESPError) -> Int? {
        if content.elementsEqual([UInt8(ascii: "?")]) { throw .streamedType }
        if allowsNull && content.elementsEqual([UInt8(ascii: "-"), UInt8(ascii: "1")]) { return nil }
        guard !content.isEmpty, content.count <= 18, content.allSatisfy(isDigit) else { throw .malformedLength(text(content)) }
        return content.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// RESP3.md "Number": an optionally signed decimal in the signed 64-bit range.
    private static func integer(_ content: ArraySlice<UInt8>) -> Int64? {
        var digits = content
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        // Accumulate negatively so that Int64.min fits.
        var value: Int64 = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// RESP3.md "Double": digits, an optional `.digits` part and an optional exponent; or
    /// `inf`, `-inf`, `nan`. Redis before 7.2 may also send libc's `-nan`, `NAN` or
    /// `nan(chars)`: any text that starts with an optionally signed `nan` is NaN.
    private static func double(_ content: ArraySlice<UInt8>) throws(RESPError) -> Double {
        let text = String(decoding: content, as: UTF8.self)
        let lower = text.lowercased()
        switch lower {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        default: break
        }
        if lower.hasPrefix("nan") || lower.hasPrefix("-nan") || lower.hasPrefix("+nan") { return .nan }
        var bytes = content[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let integral = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integral.count)
        var valid = !integral.isEmpty
        if bytes.first == UInt8(ascii: ".") {
            let fraction = bytes.dropFirst().prefix(while: isDigit)
            valid = valid && !fraction.isEmpty
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: isDigit)
            valid = valid && !exponent.isEmpty
            bytes = bytes.dropFirst(exponent.count)
        }
        guard valid, bytes.isEmpty, let value = Double(text) else { throw .malformedDouble(self.text(content)) }
        return value
    }

    /// RESP3.md "Big number": an optional sign and digits, no decimal part.
    private static func isBigNumber(_ content: ArraySlice<UInt8>) -> Bool {
        var digits = content
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }
}
