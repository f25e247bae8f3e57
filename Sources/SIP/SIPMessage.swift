/// A SIP message as read from one WebSocket message (RFC 7118 §5: exactly one SIP message per
/// WebSocket message, so no stream framing and nothing incremental is needed): the start line
/// and the header fields, lexically (RFC 3261 §7), and where the body starts.
///
/// ```
/// generic-message = start-line *message-header CRLF [ message-body ]
/// message-header  = field-name HCOLON field-value CRLF      (continuation lines: CRLF 1*WSP)
/// ```
/// `parse` reads only this much, bounded by `SIPLimits`; what the start line and the header
/// fields mean is checked by `SIPRequest` and `SIPResponse`, so that a request whose head is
/// readable but wrong can still be answered from its fields (`SIPResponseBuilder`).
public struct SIPMessage: Sendable {
    /// The whole message as received.
    public let bytes: [UInt8]
    /// The start line without its CRLF.
    public let startLine: String
    /// Where the start line begins (after any leading CRLFs, §7.5).
    public let startLineOffset: Int
    public let fields: [SIPHeaderField]
    /// The offset of the first body byte, just after the empty line.
    public let bodyOffset: Int

    /// A response starts with its SIP-Version (§7.2); anything else is taken for a request.
    public var isResponse: Bool { startLine.utf8.prefix(4).map { $0 | 0x20 } == Array("sip/".utf8) }
    public var body: ArraySlice<UInt8> { bytes[bodyOffset...] }

    /// Every field named `name`, in order.
    public func fields(_ name: SIPHeaderName) -> [SIPHeaderField] {
        fields.filter { $0.name == name }
    }

    /// The values of every field named `name`, in order; list fields (`SIPHeaderName.isList`)
    /// split into their comma-separated elements (§7.3.1: `Via: a, b` is `Via: a` then `Via: b`).
    public func values(_ name: SIPHeaderName) -> [String] {
        let values = fields(name).map(\.value)
        return name.isList ? values.flatMap(SIPSyntax.listElements) : values
    }

    /// The value of the first field named `name`.
    public func value(_ name: SIPHeaderName) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// RFC 5626 §3.5.1 keep-alives: a message of CRLFs only (`CRLF CRLF` ping, `CRLF` pong),
    /// which carries no SIP message and is relayed as it is.
    public static func isKeepAlive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty, bytes.count % 2 == 0 else { return false }
        var index = 0
        while index < bytes.count {
            guard bytes[index] == SIPSyntax.cr, bytes[index + 1] == SIPSyntax.lf else { return false }
            index += 2
        }
        return true
    }

    private init(bytes: [UInt8], startLine: String, startLineOffset: Int, fields: [SIPHeaderField], bodyOffset: Int) {
        self.bytes = bytes
        self.startLine = startLine
        self.startLineOffset = startLineOffset
        self.fields = fields
        self.bodyOffset = bodyOffset
    }

    /// Reads the start line and header fields of `bytes`. Fails only when the head cannot be
    /// read at all (`SIPParseError.isUnreadable`); the size of the whole message is checked by
    /// `SIPRequest`/`SIPResponse`, so a message too large can still be answered 513.
    public static func parse(_ bytes: [UInt8], limits: SIPLimits) throws(SIPParseError) -> SIPMessage {
        var position = 0
        // §7.5: CRLFs before the start line are ignored.
        while position + 1 < bytes.count, bytes[position] == SIPSyntax.cr, bytes[position + 1] == SIPSyntax.lf { position += 2 }
        guard position < bytes.count else { throw .empty }
        let startLineOffset = position
        let startEnd = try lineEnd(bytes, from: position, budget: limits.maxHeaderBytes, limit: limits.maxHeaderBytes)
        guard let startLine = String(validating: bytes[position..<startEnd], as: UTF8.self) else { throw .notUTF8 }
        position = startEnd + 2
        var fields: [SIPHeaderField] = []
        while true {
            guard position + 1 < bytes.count else { throw .headNotTerminated }
            if bytes[position] == SIPSyntax.cr && bytes[position + 1] == SIPSyntax.lf {
                position += 2
                break
            }
            guard !SIPSyntax.isWhitespace(bytes[position]) else { throw .foldWithoutField }
            guard fields.count < limits.maxHeaders else { throw .tooManyHeaders(limit: limits.maxHeaders) }
            let field = try readField(bytes, from: position, limit: limits.maxHeaderBytes)
            fields.append(field)
            position = field.range.upperBound
        }
        return SIPMessage(bytes: bytes, startLine: startLine, startLineOffset: startLineOffset, fields: fields, bodyOffset: position)
    }

    /// The offset of the CRLF ending the line that starts at `start`; a bare CR or LF fails, and
    /// so does a line longer than `budget` (reported as `limit`, the field's whole allowance).
    private static func lineEnd(_ bytes: [UInt8], from start: Int, budget: Int, limit: Int) throws(SIPParseError) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case SIPSyntax.cr:
                guard index + 1 < bytes.count else { throw .headNotTerminated }
                guard bytes[index + 1] == SIPSyntax.lf else { throw .bareLineBreak }
                return index
            case SIPSyntax.lf:
                throw .bareLineBreak
            default:
                index += 1
                if index - start > budget { throw .headerTooLong(limit: limit) }
            }
        }
        throw .headNotTerminated
    }

    /// One header field at `start`: `field-name *(SP / HTAB) ":" value`, with its continuation
    /// lines; at most `limit` bytes in all.
    private static func readField(_ bytes: [UInt8], from start: Int, limit: Int) throws(SIPParseError) -> SIPHeaderField {
        var nameEnd = start
        while nameEnd < bytes.count, SIPSyntax.isTokenCharacter(bytes[nameEnd]) {
            nameEnd += 1
            if nameEnd - start > limit { throw .headerTooLong(limit: limit) }
        }
        guard nameEnd > start else { throw .invalidFieldName }
        var colon = nameEnd
        while colon < bytes.count, SIPSyntax.isWhitespace(bytes[colon]) { colon += 1 }
        guard colon < bytes.count, bytes[colon] == 0x3A else {
            // A byte outside token right after the name is a bad name; else the colon is missing.
            let stop = nameEnd < bytes.count ? bytes[nameEnd] : SIPSyntax.cr
            throw SIPSyntax.isWhitespace(stop) || stop == SIPSyntax.cr ? .missingColon : .invalidFieldName
        }
        // The value's lines: each CRLF followed by SP or HTAB continues the field, and the fold
        // with the whitespace around it reads as one SP (§7.3.1).
        var end = try lineEnd(bytes, from: colon + 1, budget: limit - (colon + 1 - start), limit: limit)
        var value = Array(bytes[(colon + 1)..<end])
        while end + 2 < bytes.count, SIPSyntax.isWhitespace(bytes[end + 2]) {
            var lineStart = end + 2
            while lineStart < bytes.count, SIPSyntax.isWhitespace(bytes[lineStart]) { lineStart += 1 }
            end = try lineEnd(bytes, from: lineStart, budget: limit - (lineStart - start), limit: limit)
            while let last = value.last, SIPSyntax.isWhitespace(last) { value.removeLast() }
            value.append(SIPSyntax.space)
            value.append(contentsOf: bytes[lineStart..<end])
        }
        guard String(validating: value, as: UTF8.self) != nil else { throw .notUTF8 }
        let name = String(decoding: bytes[start..<nameEnd], as: UTF8.self)
        return SIPHeaderField(name: SIPHeaderName(name), writtenName: name, value: SIPSyntax.trimmed(value), range: start..<(end + 2))
    }
}
