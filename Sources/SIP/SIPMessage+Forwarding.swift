/// What a relay changes in a message it forwards: header fields it removes (the browser's copy
/// of the identity header) and fields it adds (the identity it vouches for). Everything else
/// goes out byte for byte as it came, folds and compact names included (a relay that reads and
/// forwards does not rewrite what it does not own); leading CRLFs (§7.5) are dropped.
extension SIPMessage {
    /// The message without the fields for which `removing` is true, with `adding` appended
    /// after the last header field as `Name: value` lines. Control characters (CR, LF and the
    /// rest) are left out of the added names and values, so no added field can split the head.
    public func forwarded(removing: (SIPHeaderName) -> Bool, adding: [(name: String, value: String)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + adding.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        // The start line with its CRLF.
        let firstField = fields.first?.range.lowerBound ?? (bodyOffset - 2)
        out.append(contentsOf: bytes[startLineOffset..<firstField])
        for field in fields where !removing(field.name) {
            out.append(contentsOf: bytes[field.range])
        }
        for (name, value) in adding {
            out.append(contentsOf: name.utf8.filter { $0 >= 0x21 && $0 != 0x7F && $0 != 0x3A })
            out.append(contentsOf: Array(": ".utf8))
            out.append(contentsOf: value.utf8.filter { $0 >= 0x20 && $0 != 0x7F })
            out.append(contentsOf: [SIPSyntax.cr, SIPSyntax.lf])
        }
        out.append(contentsOf: [SIPSyntax.cr, SIPSyntax.lf])
        out.append(contentsOf: bytes[bodyOffset...])
        return out
    }
}
