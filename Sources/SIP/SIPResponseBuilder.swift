/// The responses Callgate itself sends for a request it does not relay (RFC 3261 §8.2.6): 403
/// for a foreign identity, 400, 505 or 513 for a request it could read but not accept.
///
/// §8.2.6.2: the Via fields are copied in order, and From, Call-ID and CSeq as they are; To as
/// it is, with a `tag` added when it has none (§8.2.6.2, the response creates no dialog but the
/// tag is mandatory). Only the fields the request had are copied, so a request without From
/// (RFC 4475 `insuf`) still gets an answer its transaction can match (§17.1.3: Via branch and
/// CSeq method). A `Warning` (§20.43, code 399 "miscellaneous") carries the reason for people
/// reading traces. No body: `Content-Length: 0`.
public enum SIPResponseBuilder {
    /// Whether `message` can be answered at all: a request with a Via and a CSeq.
    public static func canAnswer(_ message: SIPMessage) -> Bool {
        !message.isResponse && !message.fields(.via).isEmpty && !message.fields(.cseq).isEmpty
            && !(message.value(.cseq)?.uppercased().hasSuffix("ACK") ?? false)
    }

    /// The response bytes for `message` with `status`. `toTag` is called when the To has no tag
    /// (a fresh random token, RFC 3261 §19.3). `warning` is put in a §20.43 warn-text.
    public static func response(to message: SIPMessage, status: SIPStatus, warning: String?, toTag: () -> String) -> [UInt8] {
        var text = "SIP/2.0 \(status.code) \(status.phrase)\r\n"
        for field in message.fields(.via) { text += "Via: \(field.value)\r\n" }
        if let from = message.value(.from) { text += "From: \(from)\r\n" }
        if let to = message.value(.to) {
            let hasTag = (try? SIPNameAddress(parsing: to))?.tag != nil
            text += "To: \(to)\(hasTag ? "" : ";tag=\(toTag())")\r\n"
        }
        if let callID = message.value(.callID) { text += "Call-ID: \(callID)\r\n" }
        if let cseq = message.value(.cseq) { text += "CSeq: \(cseq)\r\n" }
        if let warning {
            // warn-text is a quoted-string: no DQUOTE, backslash or control characters inside.
            let clean = String(warning.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0 != "\\" && $0.value != 0x7F })
            text += "Warning: 399 callgate \"\(clean)\"\r\n"
        }
        text += "Content-Length: 0\r\n\r\n"
        return Array(text.utf8)
    }
}
