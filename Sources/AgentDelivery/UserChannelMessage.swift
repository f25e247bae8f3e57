/// What arrives on a user's channel (docs/cluster.md §6): every instance that holds tabs of the
/// user follows it (Redis pub/sub, one channel per user), so an event numbered on one instance
/// reaches the tabs on all of them. The bytes are written by the shared engine's append (a Lua
/// script on Redis), so the format is plain:
///
/// ```
/// e <seq> <epoch> <published, Unix ms> <message>    (an empty message: a tombstone)
/// a <seq>                                           a tab acknowledged the ringing event seq
/// r <seq>                                           nobody did in time: tabs everywhere get it again
/// ```
public struct UserChannelMessage: Hashable, Sendable {
    public var entry: StreamEntry
    /// When the shared engine published it (Unix milliseconds, its clock): the pub/sub lag.
    public var publishedMilliseconds: Int64

    public init(entry: StreamEntry, publishedMilliseconds: Int64) {
        self.entry = entry
        self.publishedMilliseconds = publishedMilliseconds
    }

    public var bytes: [UInt8] {
        Array("e \(entry.seq) \(entry.epoch) \(publishedMilliseconds) ".utf8) + entry.bytes
    }

    /// A tab's `ack` of the ringing event `seq`, for the instance that waits for it.
    public static func ackBytes(seq: UInt64) -> [UInt8] { Array("a \(seq)".utf8) }

    /// The seq of an `ackBytes` message; nil for another shape.
    public static func ack(_ bytes: [UInt8]) -> UInt64? { seq(after: "a", in: bytes) }

    /// The waiting instance resends the ringing event `seq`: the other instances resend it to
    /// their tabs of the user from their copies.
    public static func resendBytes(seq: UInt64) -> [UInt8] { Array("r \(seq)".utf8) }

    /// The seq of a `resendBytes` message; nil for another shape.
    public static func resend(_ bytes: [UInt8]) -> UInt64? { seq(after: "r", in: bytes) }

    private static func seq(after letter: Unicode.Scalar, in bytes: [UInt8]) -> UInt64? {
        guard bytes.count > 2, bytes[0] == UInt8(ascii: letter), bytes[1] == UInt8(ascii: " ") else { return nil }
        return UInt64(String(decoding: bytes[2...], as: UTF8.self))
    }

    /// nil for bytes of another shape.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "e"), bytes[1] == UInt8(ascii: " ") else { return nil }
        let fields = bytes[2...].split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count >= 3, !fields[1].isEmpty,
              let seq = UInt64(String(decoding: fields[0], as: UTF8.self)), seq > 0,
              let published = Int64(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        entry = StreamEntry(position: StreamPosition(epoch: String(decoding: fields[1], as: UTF8.self), seq: seq),
                            bytes: fields.count == 4 ? Array(fields[3]) : [])
        publishedMilliseconds = published
    }
}
