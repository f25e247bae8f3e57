/// A parser for `Sec-WebSocket-Extensions` values, RFC 6455 §9.1:
///
///     extension-list  = 1#extension
///     extension       = extension-token *( ";" extension-param )
///     extension-param = token [ "=" (token | quoted-string) ]
///
/// A quoted value must unescape to a token. Empty list elements are skipped (RFC 9110 §5.6.1).
/// An element that breaks the grammar is returned with `isMalformed` set and parsing resumes after
/// the next comma outside quotes, so one bad element cannot hide the others.
enum ExtensionHeader {
    struct Parameter: Equatable {
        /// Lowercased.
        var name: String
        /// Unquoted; nil when the parameter has no `=`.
        var value: String?
    }

    struct Element: Equatable {
        /// The extension token, lowercased; "" when the element does not start with one.
        var name: String
        var parameters: [Parameter]
        /// The element breaks the grammar; `parameters` holds what was read before the fault.
        var isMalformed = false
    }

    /// The elements of all `headerValues`, in order (RFC 6455 §9.1: several headers are one list).
    static func elements(_ headerValues: [String]) -> [Element] {
        var elements: [Element] = []
        for value in headerValues {
            var scanner = Scanner(Array(value.utf8))
            while true {
                scanner.skipWhitespace()
                if scanner.isAtEnd { break }
                if scanner.consume(.comma) { continue }
                elements.append(scanner.element())
            }
        }
        return elements
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { index == bytes.count }
        var current: UInt8? { isAtEnd ? nil : bytes[index] }

        /// Reads one extension up to (not past) the next top-level comma or the end.
        mutating func element() -> Element {
            var element = Element(name: "", parameters: [])
            guard let name = token() else { return malformed(element) }
            element.name = name.lowercased()
            while true {
                skipWhitespace()
                if isAtEnd || current == .comma { return element }
                guard consume(.semicolon) else { return malformed(element) }
                skipWhitespace()
                guard let parameterName = token() else { return malformed(element) }
                skipWhitespace()
                var value: String?
                if consume(.equals) {
                    skipWhitespace()
                    value = current == .quote ? quotedString() : token()
                    // RFC 6455 §9.1: the unescaped quoted-string MUST conform to the token ABNF.
                    guard let value, Self.isToken(value.utf8) else { return malformed(element) }
                }
                element.parameters.append(Parameter(name: parameterName.lowercased(), value: value))
            }
        }

        private mutating func malformed(_ element: Element) -> Element {
            var element = element
            element.isMalformed = true
            while let byte = current, byte != .comma {
                if byte == .quote {
                    _ = quotedString()
                } else {
                    index += 1
                }
            }
            return element
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == .space || byte == .tab { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        /// RFC 9110 §5.6.2: `token = 1*tchar`; nil when empty.
        private mutating func token() -> String? {
            let start = index
            while let byte = current, Self.isTokenByte(byte) { index += 1 }
            return index == start ? nil : String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// RFC 9110 §5.6.4: `quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE`, unescaped.
        /// At a `"`; nil when unterminated or holding a control character, leaving the index past
        /// what was read.
        private mutating func quotedString() -> String? {
            index += 1
            var unescaped: [UInt8] = []
            while let byte = current {
                index += 1
                switch byte {
                case .quote:
                    return String(decoding: unescaped, as: UTF8.self)
                case .backslash:
                    guard let escaped = current, Self.isQuotedText(escaped) || escaped == .quote || escaped == .backslash else {
                        return nil
                    }
                    unescaped.append(escaped)
                    index += 1
                case _ where Self.isQuotedText(byte):
                    unescaped.append(byte)
                default:
                    return nil
                }
            }
            return nil
        }

        /// RFC 9110 §5.6.2 tchar: `!#$%&'*+-.^_`|~`, digits and letters.
        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }

        static func isToken(_ bytes: String.UTF8View) -> Bool {
            !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
        }

        /// RFC 9110 §5.6.4 qdtext (HTAB, SP, visible ASCII but `"` and `\`, obs-text).
        static func isQuotedText(_ byte: UInt8) -> Bool {
            byte == .tab || byte == .space || byte == 0x21 || (0x23...0x5B).contains(byte)
                || (0x5D...0x7E).contains(byte) || byte >= 0x80
        }
    }
}

private extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let equals = UInt8(ascii: "=")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
}
