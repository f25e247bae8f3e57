/// A cursor over one header field value's bytes, for the grammars of RFC 3261 §25.1 (Via,
/// name-addr, parameters, CSeq). Errors carry a short description for `SIPParseError.invalidHeader`.
struct SIPScanner {
    typealias Failure = SIPSyntaxError

    let bytes: [UInt8]
    var position = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { position >= bytes.count }
    var peek: UInt8? { isAtEnd ? nil : bytes[position] }

    /// The unread rest, as text.
    var rest: String { String(decoding: bytes[min(position, bytes.count)...], as: UTF8.self) }

    /// Skips SP and HTAB (the value was unfolded, so this is LWS and SWS); returns how many.
    @discardableResult
    mutating func skipWhitespace() -> Int {
        let start = position
        while let byte = peek, SIPSyntax.isWhitespace(byte) { position += 1 }
        return position - start
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard consume(byte) else { throw Failure(detail: "expected \(what)") }
    }

    /// The longest run of bytes matching `predicate` (possibly empty).
    mutating func take(while predicate: (UInt8) -> Bool) -> String {
        let start = position
        while let byte = peek, predicate(byte) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `token`, or nil (nothing consumed) when none starts here.
    mutating func token() -> String? {
        let token = take(while: SIPSyntax.isTokenCharacter)
        return token.isEmpty ? nil : token
    }

    /// `quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE`, starting at the DQUOTE.
    /// Returns it as written, quotes included. `quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)`.
    mutating func quotedString() throws(Failure) -> String {
        let start = position
        guard consume(0x22) else { throw Failure(detail: "expected a quoted string") }
        while let byte = peek {
            position += 1
            switch byte {
            case 0x22:
                return String(decoding: bytes[start..<position], as: UTF8.self)
            case 0x5C:
                guard let next = peek, next <= 0x7F, next != SIPSyntax.cr, next != SIPSyntax.lf else {
                    throw Failure(detail: "invalid quoted-pair")
                }
                position += 1
            default:
                continue
            }
        }
        throw Failure(detail: "unterminated quoted string")
    }

    /// `*( SEMI generic-param )` to the end of the value: `SEMI = SWS ";" SWS`,
    /// `generic-param = token [ EQUAL gen-value ]`, `gen-value = token / host / quoted-string`.
    mutating func parameters() throws(Failure) -> [SIPParameter] {
        var parameters: [SIPParameter] = []
        while true {
            skipWhitespace()
            if isAtEnd { return parameters }
            guard consume(0x3B) else { throw Failure(detail: "unexpected \"\(rest)\" where a ;parameter may follow") }
            skipWhitespace()
            guard let name = token() else { throw Failure(detail: "an empty parameter") }
            skipWhitespace()
            var value: String?
            if consume(0x3D) {
                skipWhitespace()
                if peek == 0x22 {
                    value = try quotedString()
                } else {
                    // token or host (an IPv6 reference adds [ ] and :)
                    let text = take { SIPSyntax.isTokenCharacter($0) || $0 == 0x5B || $0 == 0x5D || $0 == 0x3A }
                    guard !text.isEmpty else { throw Failure(detail: "parameter \(name) without a value after =") }
                    value = text
                }
            }
            parameters.append(SIPParameter(name: name, value: value))
        }
    }
}
