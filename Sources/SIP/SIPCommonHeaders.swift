/// The header fields every request and response carries and a relay reads (RFC 3261 §8.1.1,
/// §8.2.6.2): Via, From, To, Call-ID, CSeq, and Contact and Content-Length when present, each
/// checked against its grammar (§25.1).
public struct SIPCommonHeaders: Hashable, Sendable {
    /// Topmost first.
    public var vias: [SIPVia]
    public var from: SIPNameAddress
    public var to: SIPNameAddress
    public var callID: String
    public var cseq: SIPCSeq
    public var contacts: [SIPContact]
    public var contentLength: Int?

    /// Fields that may appear at most once (§7.3.1 allows repeating only list fields; RFC 4475
    /// `multi01` and `mcl01`).
    static let singleFields: [SIPHeaderName] = [.from, .to, .callID, .cseq, .maxForwards, .contentLength]

    init(_ message: SIPMessage, limits: SIPLimits) throws(SIPParseError) {
        // §21.5.14: too large is answered 513 before anything else is looked at.
        if message.bytes.count > limits.maxMessageBytes { throw .messageTooLarge(limit: limits.maxMessageBytes) }
        for name in Self.singleFields where message.fields(name).count > 1 {
            throw .duplicateHeader(name.description)
        }
        func required(_ name: SIPHeaderName) throws(SIPParseError) -> String {
            guard let value = message.value(name) else { throw .missingHeader(name.description) }
            return value
        }
        func parse<T>(_ name: SIPHeaderName, _ text: String, _ parser: (String) throws(SIPSyntaxError) -> T) throws(SIPParseError) -> T {
            do { return try parser(text) } catch { throw .invalidHeader(name.description, error.detail) }
        }
        let viaValues = message.values(.via)
        guard !viaValues.isEmpty else { throw .missingHeader(SIPHeaderName.via.description) }
        vias = []
        for value in viaValues {
            guard !value.isEmpty else { throw .invalidHeader("Via", "an empty element in the list") }
            vias.append(try parse(.via, value) { text throws(SIPSyntaxError) in try SIPVia(parsing: text) })
        }
        from = try parse(.from, try required(.from)) { text throws(SIPSyntaxError) in try SIPNameAddress(parsing: text) }
        to = try parse(.to, try required(.to)) { text throws(SIPSyntaxError) in try SIPNameAddress(parsing: text) }
        let callID = try required(.callID)
        // callid = word [ "@" word ]
        let words = callID.split(separator: "@", omittingEmptySubsequences: false)
        guard words.count <= 2, words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(SIPSyntax.isWordCharacter) }) else {
            throw .invalidHeader("Call-ID", "\"\(callID)\" is not word [\"@\" word]")
        }
        self.callID = callID
        cseq = try parse(.cseq, try required(.cseq)) { text throws(SIPSyntaxError) in try SIPCSeq(parsing: text) }
        contacts = []
        let contactValues = message.values(.contact)
        for value in contactValues {
            guard !value.isEmpty else { throw .invalidHeader("Contact", "an empty element in the list") }
            let contact = try parse(.contact, value) { text throws(SIPSyntaxError) in try SIPContact(parsing: text) }
            if contact == .wildcard && contactValues.count > 1 { throw .invalidHeader("Contact", "* must be the only Contact") }
            contacts.append(contact)
        }
        if let value = message.value(.maxForwards) {
            // §20.22: an integer 0–255.
            guard SIPSyntax.number(value, maximum: 255) != nil else { throw .invalidHeader("Max-Forwards", "\"\(value)\" is not 0–255") }
        }
        let actual = message.body.count
        if let value = message.value(.contentLength) {
            guard let declared = SIPSyntax.number(value, maximum: UInt64(Int32.max)) else {
                throw .invalidHeader("Content-Length", "\"\(value)\" is not a length") // RFC 4475 `ncl`
            }
            if Int(declared) > actual { throw .contentLengthExceedsBody(declared: Int(declared), actual: actual) }
            if Int(declared) < actual { throw .bytesAfterBody(declared: Int(declared), actual: actual) }
            contentLength = Int(declared)
        } else {
            // RFC 7118 §5: the WebSocket message frames the SIP message; the body is the rest.
            contentLength = nil
        }
    }
}
