/// A From, To, Contact, Route or Record-Route value (RFC 3261 §20.10, §25.1):
///
/// ```
/// ( name-addr / addr-spec ) *( SEMI generic-param )
/// name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
/// display-name = *(token LWS) / quoted-string
/// LAQUOT = SWS "<"    RAQUOT = ">" SWS
/// ```
/// In the addr-spec form the parameters after the URI belong to the header field, so such a URI
/// cannot carry its own `;parameters`, and one with `?headers` or a comma must be in angle
/// brackets (§20); RFC 4475 §3.1.2.13 (`regbadct`) is refused for that.
public struct SIPNameAddress: Hashable, Sendable {
    /// As written: a quoted string keeps its quotes, tokens are joined by one space; nil for none.
    public var displayName: String?
    public var uri: SIPURI
    /// The header field's parameters (`tag`, `expires`, `q`, …).
    public var parameters: [SIPParameter]

    /// RFC 3261 §19.3: the `tag` of a From or To.
    public var tag: String? { parameters.value(of: "tag") ?? nil }

    public init(displayName: String? = nil, uri: SIPURI, parameters: [SIPParameter] = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        var scanner = SIPScanner(text)
        scanner.skipWhitespace()
        var displayName: String?
        var bracketed = false
        if scanner.peek == 0x22 {
            displayName = try scanner.quotedString()
            scanner.skipWhitespace()
            try scanner.expect(0x3C, "< after the display name")
            bracketed = true
        } else {
            // *(token LWS) LAQUOT; RFC 4475 §3.1.1.6: no LWS is needed before the "<".
            let start = scanner.position
            var words: [String] = []
            while let word = scanner.token() {
                words.append(word)
                scanner.skipWhitespace()
            }
            if scanner.consume(0x3C) {
                displayName = words.isEmpty ? nil : words.joined(separator: " ")
                bracketed = true
            } else {
                if !words.isEmpty, text.utf8.contains(0x3C) {
                    // RFC 4475 §3.1.2.15 (`baddn`): a display name with non-token characters must be quoted.
                    throw SIPSyntaxError(detail: "an unquoted display name with characters outside token")
                }
                scanner.position = start
            }
        }
        let uriText: String
        if bracketed {
            // No LWS inside the brackets (RFC 4475 §3.1.2.14, `badaspec`).
            uriText = scanner.take { $0 != 0x3E && !SIPSyntax.isWhitespace($0) }
            if let next = scanner.peek, SIPSyntax.isWhitespace(next) {
                throw SIPSyntaxError(detail: "a space inside < > (LAQUOT addr-spec RAQUOT)")
            }
            try scanner.expect(0x3E, "> after the URI")
        } else {
            uriText = scanner.take { $0 != 0x3B && !SIPSyntax.isWhitespace($0) }
            if uriText.utf8.contains(0x3F) || uriText.utf8.contains(0x2C) {
                throw SIPSyntaxError(detail: "a URI with headers or a comma must be in angle brackets (RFC 3261 §20)")
            }
        }
        guard !uriText.isEmpty else { throw SIPSyntaxError(detail: "no URI") }
        self.uri = try SIPURI(parsing: uriText)
        self.displayName = displayName
        self.parameters = try scanner.parameters()
    }
}
