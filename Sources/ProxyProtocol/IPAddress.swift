/// An IPv4 or IPv6 address, parsed from and printed as text without the C library, so the pure
/// layer can read PROXY headers, `X-Forwarded-For` and `Forwarded`, and match trusted ranges.
///
/// Printing follows glibc's `inet_ntop`, which the gateway uses for socket peers, so one
/// client gets one spelling whichever way its address arrived: dotted quad for IPv4; for IPv6
/// lower-case hex groups with the longest run of two or more zero groups (the first of equal
/// runs) as `::` (RFC 5952 §4.2), and the last 32 bits as a dotted quad for IPv4-mapped
/// (`::ffff:a.b.c.d`, RFC 5952 §5) and IPv4-compatible (`::a.b.c.d`) addresses.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// The 128 bits as two big-endian halves.
    case v6(high: UInt64, low: UInt64)

    /// Parses a dotted quad (four decimal numbers 0–255, no leading zeros: RFC 6943 §3.1.1's
    /// strict form, as the PROXY protocol and `inet_pton` require) or an IPv6 address (RFC 4291
    /// §2.2: hex groups, at most one `::`, optionally ending in a dotted quad). Zone indices
    /// (`%eth0`) and brackets are not part of an address.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        if let v4 = Self.parseV4(bytes[...]) {
            self = .v4(v4)
        } else if let v6 = Self.parseV6(bytes) {
            self = v6
        } else {
            return nil
        }
    }

    /// From network-order bytes: 4 for IPv4, 16 for IPv6.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let high = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes.dropFirst(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self = .v6(high: high, low: low)
        default: return nil
        }
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2) as the IPv4 address it
    /// carries; any other address as it is.
    public var unmapped: IPAddress {
        if case .v6(0, let low) = self, low >> 32 == 0xFFFF { return .v4(UInt32(truncatingIfNeeded: low)) }
        return self
    }

    public var description: String {
        switch self {
        case .v4(let value): return Self.dottedQuad(value)
        case .v6(let high, let low): return Self.formatV6(high: high, low: low)
        }
    }

    // MARK: IPv4

    private static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    private static func parseV4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var rest = bytes
        while true {
            let digits = rest.prefix(while: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            guard (1...3).contains(digits.count), digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
            let part = digits.reduce(0) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
            guard part <= 255 else { return nil }
            value = value << 8 | part
            parts += 1
            rest = rest.dropFirst(digits.count)
            if parts == 4 { return rest.isEmpty ? value : nil }
            guard rest.first == UInt8(ascii: ".") else { return nil }
            rest = rest.dropFirst()
        }
    }

    // MARK: IPv6

    private static func parseV6(_ bytes: [UInt8]) -> IPAddress? {
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var index = 0
        if bytes.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            sawDoubleColon = true
            index = 2
        } else if bytes[0] == UInt8(ascii: ":") {
            return nil
        }
        while index < bytes.count {
            // A group, or the dotted quad that ends the address.
            var end = index
            while end < bytes.count && bytes[end] != UInt8(ascii: ":") { end += 1 }
            let group = bytes[index..<end]
            if end == bytes.count, group.contains(UInt8(ascii: ".")) {
                guard let v4 = parseV4(group) else { return nil }
                let pair = [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                if sawDoubleColon { tail += pair } else { head += pair }
                index = end
                break
            }
            guard (1...4).contains(group.count), let word = UInt16(String(decoding: group, as: UTF8.self), radix: 16) else { return nil }
            if sawDoubleColon { tail.append(word) } else { head.append(word) }
            index = end
            guard index < bytes.count else { break }
            // A colon: either a separator or the one `::`.
            index += 1
            if index < bytes.count && bytes[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                index += 1
            } else if index == bytes.count {
                return nil // a trailing single colon
            }
        }
        let count = head.count + tail.count
        guard sawDoubleColon ? count <= 7 : count == 8 else { return nil }
        let words = head + [UInt16](repeating: 0, count: 8 - count) + tail
        let high = words[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = words[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return .v6(high: high, low: low)
    }

    /// glibc's `inet_ntop6`, step for step.
    private static func formatV6(high: UInt64, low: UInt64) -> String {
        let words = (0..<8).map { index -> UInt16 in
            let half = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> (48 - 16 * UInt64(index % 4)))
        }
        // The longest run of zero groups; the first wins a tie; a run of one is not compressed.
        var best: (base: Int, length: Int)?
        var current: (base: Int, length: Int)?
        for index in 0..<8 {
            if words[index] == 0 {
                current = current.map { ($0.base, $0.length + 1) } ?? (index, 1)
            } else if let run = current {
                if best == nil || run.length > best!.length { best = run }
                current = nil
            }
        }
        if let run = current, best == nil || run.length > best!.length { best = run }
        if let run = best, run.length < 2 { best = nil }
        var text = ""
        for index in 0..<8 {
            if let run = best, index >= run.base && index < run.base + run.length {
                if index == run.base { text += ":" }
                continue
            }
            if index != 0 { text += ":" }
            if index == 6, let run = best, run.base == 0, run.length == 6 || (run.length == 5 && words[5] == 0xFFFF) {
                return text + dottedQuad(UInt32(truncatingIfNeeded: low))
            }
            text += String(words[index], radix: 16)
        }
        if let run = best, run.base + run.length == 8 { text += ":" }
        return text
    }
}
