/// A call's GUID, docs/compatibility.md §4.3 `<$call_guid>`: "a globally unique string representing a 128 bit
/// number that contains date and time, as well as at least 64 bit of true random data". That is
/// a UUID of version 7 (RFC 9562 §5.7), written as RFC 9562 §4 lays it out (8-4-4-4-12 lower-case
/// hex digits, as the wiki's example `1399c8c8-cf9e-3ebe-764f-d12b1f7bea35`):
///
///      0                   1                   2                   3
///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                           unix_ts_ms                          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |          unix_ts_ms           |  ver  |       rand_a          |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |var|                        rand_b                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |                            rand_b                             |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// 48 bits of Unix time in milliseconds, the version 7, the variant `10`, and 74 random bits
/// (`rand_a` 12, `rand_b` 62): more than the wiki's 64. Pure: the time and the random bytes are
/// passed in (the gateway reads the kernel's CSPRNG).
public enum CallGUID {
    /// Random bytes one GUID takes: 80 bits, of which the version and variant overwrite 6.
    public static let randomBytes = 10

    /// The GUID for `unixMilliseconds` (its low 48 bits) and `random` (`randomBytes` bytes:
    /// `random[0]`'s low nibble and `random[1]` are `rand_a`, `random[2]`'s low 6 bits and
    /// `random[3...9]` are `rand_b`).
    public static func make(unixMilliseconds: Int64, random: [UInt8]) -> String {
        precondition(random.count == randomBytes, "a GUID takes \(randomBytes) random bytes")
        let time = UInt64(bitPattern: unixMilliseconds)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: time >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | (random[0] & 0x0F)    // RFC 9562 §4.2: version 7
        bytes[7] = random[1]
        bytes[8] = 0x80 | (random[2] & 0x3F)    // RFC 9562 §4.1: variant 10
        for index in 3..<10 { bytes[index + 6] = random[index] }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex(bytes[$0]) }.joined(separator: "-")
    }

    /// `bytes` as lower-case hex digits, two per byte.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
