extension QueryString {
    /// `text`'s UTF-8 with every byte except RFC 3986 §2.3's unreserved characters
    /// (`A–Z a–z 0–9 - . _ ~`) written as `%XX` (uppercase hex, §2.1): Python's
    /// `urllib.parse.quote(text, safe="")`. The result is safe anywhere in a URL's path or query
    /// and in an HTTP request line or header: no space, CR, LF, `&`, `=`, `#`, `/`, `?`, `%` or
    /// non-ASCII byte survives.
    public static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 §2.3: `ALPHA / DIGIT / "-" / "." / "_" / "~"`.
    package static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
