/// Decodes a chunked message body, RFC 9112 §7.1, incrementally:
///
///     chunked-body = *chunk last-chunk trailer-section CRLF
///     chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///     last-chunk   = 1*("0") [ chunk-ext ] CRLF
///     chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///
/// Feed the bytes that follow the head, in pieces of any size; chunk data is appended to the
/// caller's buffer. Strict: the chunk size is 1*HEXDIG with overflow checked (no sign, no `0x`,
/// no whitespace before it); only CRLF ends a line; chunk data must be followed by CRLF.
/// Chunk extensions are skipped without being parsed, but they count against
/// `maxChunkLineBytes` and may hold no control other than HTAB. The trailer section (§7.1.2) is
/// checked like a header section (field-line syntax, `maxHeaderBytes`, `maxHeaderCount`) and
/// discarded. The body limit `maxBodyBytes` is checked on each chunk size, before its data.
///
/// After a thrown error the stream cannot be trusted: answer with `error.response()` and close.
public struct HTTPChunkedDecoder: Sendable {
    private enum State: Sendable {
        case size
        case sizeWhitespace
        case chunkExtension
        case sizeLF
        case data
        case dataCR
        case dataLF
        case trailer
        case trailerLF
        case done
    }

    public let limits: HTTPLimits
    /// Whether the last chunk and the trailer section have been read.
    public private(set) var isComplete = false
    /// The data bytes announced by the chunk sizes read so far.
    public private(set) var bodyLength = 0

    private var state = State.size
    private var chunkSize = 0
    private var sizeDigits = 0
    private var lineLength = 0
    private var remaining = 0
    private var trailerLine: [UInt8] = []
    private var trailerBytes = 0
    private var trailerCount = 0

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Decodes `input`, appending chunk data to `body`. Returns how many bytes of `input` were
    /// consumed: all of them, unless the body ended inside `input` (then `isComplete` is true and
    /// the rest belongs to the next message).
    public mutating func decode(_ input: UnsafeRawBufferPointer, into body: inout [UInt8]) throws(HTTPError) -> Int {
        var i = 0
        let count = input.count
        while i < count {
            if state == .data {
                let take = min(remaining, count - i)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[i..<(i + take)]))
                remaining -= take
                i += take
                if remaining == 0 { state = .dataCR }
                continue
            }
            if state == .done { return i }
            let byte = input[i]
            i += 1
            switch state {
            case .size:
                if let digit = Self.hexValue(byte) {
                    try countLineByte()
                    // RFC 9112 §7.1: recipients MUST anticipate large hex numerals and prevent
                    // integer overflow.
                    guard chunkSize <= Int.max >> 4 else { throw .invalidChunkSize }
                    chunkSize = chunkSize << 4 | digit
                    sizeDigits += 1
                    continue
                }
                guard sizeDigits > 0 else { throw byte == HTTPSyntax.lf ? .bareLF : .invalidChunkSize }
                // Before any of the chunk's data: fail with 413 as soon as the size is known.
                guard chunkSize <= limits.maxBodyBytes - bodyLength else {
                    throw .bodyTooLarge(limit: limits.maxBodyBytes)
                }
                switch byte {
                case HTTPSyntax.cr: state = .sizeLF
                case HTTPSyntax.semicolon: state = .chunkExtension
                case HTTPSyntax.sp, HTTPSyntax.htab: state = .sizeWhitespace
                case HTTPSyntax.lf: throw .bareLF
                default: throw .invalidChunkSize
                }
                if state != .sizeLF { try countLineByte() }
            case .sizeWhitespace:
                // RFC 9112 §7.1.1: whitespace after the size is only BWS before ";".
                if byte == HTTPSyntax.semicolon {
                    state = .chunkExtension
                } else if !HTTPSyntax.isWhitespace(byte) {
                    throw .invalidChunkSize
                }
                try countLineByte()
            case .chunkExtension:
                // RFC 9112 §7.1.1: extensions a recipient does not understand MUST be ignored;
                // we skip them, but a bare LF or a control inside one is a smuggling vector.
                if byte == HTTPSyntax.cr {
                    state = .sizeLF
                } else if byte == HTTPSyntax.lf {
                    throw .bareLF
                } else if !HTTPSyntax.isFieldValueChar(byte) {
                    throw .invalidChunkExtension
                } else {
                    try countLineByte()
                }
            case .sizeLF:
                guard byte == HTTPSyntax.lf else { throw .bareCR }
                lineLength = 0
                sizeDigits = 0
                if chunkSize == 0 {
                    state = .trailer
                } else {
                    bodyLength += chunkSize
                    remaining = chunkSize
                    chunkSize = 0
                    state = .data
                }
            case .dataCR:
                // RFC 9112 §7.1: chunk-data is followed by CRLF.
                guard byte == HTTPSyntax.cr else { throw .invalidChunkTerminator }
                state = .dataLF
            case .dataLF:
                guard byte == HTTPSyntax.lf else { throw .invalidChunkTerminator }
                state = .size
            case .trailer:
                try countTrailerByte()
                if byte == HTTPSyntax.cr {
                    state = .trailerLF
                } else if byte == HTTPSyntax.lf {
                    throw .bareLF
                } else {
                    trailerLine.append(byte)
                }
            case .trailerLF:
                guard byte == HTTPSyntax.lf else { throw .bareCR }
                try countTrailerByte()
                if trailerLine.isEmpty {
                    state = .done
                    isComplete = true
                    return i
                }
                try takeTrailerLine()
                state = .trailer
            case .data, .done:
                preconditionFailure("handled above")
            }
        }
        return i
    }

    /// Decodes `bytes`; see `decode(_:into:)`.
    public mutating func decode(_ bytes: [UInt8], into body: inout [UInt8]) throws(HTTPError) -> Int {
        let result = bytes.withUnsafeBytes { input in
            Result { () throws(HTTPError) in try decode(input, into: &body) }
        }
        return try result.get()
    }

    private mutating func countLineByte() throws(HTTPError) {
        lineLength += 1
        guard lineLength <= limits.maxChunkLineBytes else { throw .chunkLineTooLong(limit: limits.maxChunkLineBytes) }
    }

    /// RFC 9112 §7.1.2: the trailer section is bounded like a header section.
    private mutating func countTrailerByte() throws(HTTPError) {
        trailerBytes += 1
        guard trailerBytes <= limits.maxHeaderBytes else { throw .headTooLarge(limit: limits.maxHeaderBytes) }
    }

    /// RFC 9112 §7.1.2: a trailer field line has the field-line syntax (§5); it is then discarded.
    private mutating func takeTrailerLine() throws(HTTPError) {
        trailerCount += 1
        guard trailerCount <= limits.maxHeaderCount else { throw .tooManyFields(limit: limits.maxHeaderCount) }
        let result = trailerLine.withUnsafeBytes { line in
            Result { () throws(HTTPError) in try HTTPSyntax.parseFieldLine(line, 0..<line.count) }
        }
        _ = try result.get()
        trailerLine.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
