/// The wire form of an ALPN protocol list (RFC 7301 §3.1): each name as one length byte followed
/// by its bytes. Names are 1 to 255 bytes; empty or longer names are rejected, not truncated.
struct ALPNProtocolList: Hashable, Sendable {
    let wireBytes: [UInt8]

    init(protocols: [String]) throws(TLSError) {
        var bytes: [UInt8] = []
        for name in protocols {
            let utf8 = Array(name.utf8)
            // RFC 7301 §3.1: "Empty strings MUST NOT be included", and each name is opaque<1..2^8-1>.
            guard (1...255).contains(utf8.count) else {
                throw TLSError(kind: .configuration, operation: "ALPN protocol list",
                               reasons: ["protocol name must be 1 to 255 bytes: \"\(name)\""])
            }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        wireBytes = bytes
    }
}
