/// Maps a client's `server_name` (RFC 6066 §3) to one of the server's `SSL_CTX`s.
///
/// Exact names win over wildcards; a wildcard `*.example.com` stands for exactly one leftmost
/// label (the RFC 6125 §6.4.3 rule certificates follow). Not enforced: IDNA; names are compared as
/// ASCII, lowercased.
struct SNITable<Value> {
    private var exact: [String: Value] = [:]
    private var wildcard: [String: Value] = [:]   // keyed by the part after "*."

    var isEmpty: Bool { exact.isEmpty && wildcard.isEmpty }

    /// Adds `name`; the first entry for a name wins, as configured.
    mutating func add(_ name: String, _ value: Value) {
        let name = Self.normalise(name)
        if name.hasPrefix("*.") {
            let suffix = String(name.dropFirst(2))
            if wildcard[suffix] == nil { wildcard[suffix] = value }
        } else if exact[name] == nil {
            exact[name] = value
        }
    }

    func lookup(_ serverName: String) -> Value? {
        let name = Self.normalise(serverName)
        if let value = exact[name] { return value }
        let bytes = Array(name.utf8)
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")), dot != 0 else { return nil }
        return wildcard[String(decoding: bytes[(dot + 1)...], as: UTF8.self)]
    }

    /// Lowercases ASCII and drops one trailing dot (RFC 6066 §3: "The hostname is represented as a
    /// byte string using ASCII encoding without a trailing dot"). Bytes, not Characters: no
    /// Unicode case mapping (the Kelvin sign is not `k`), and a dot is a dot whatever follows it.
    static func normalise(_ name: String) -> String {
        var bytes = name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SNITable: Sendable where Value: Sendable {}
