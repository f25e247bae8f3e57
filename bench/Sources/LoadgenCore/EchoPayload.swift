#if canImport(Glibc)
import Glibc
#endif

/// The soak's echo messages: JSON text as a browser application sends it, e.g.
/// `{"type":"chat","conn":12,"seq":7,"text":"queue agent status call …"}`, of an exact size, with
/// the connection and a per-connection sequence number at the front so that an echo of another
/// message or another connection's cannot pass. The words come from a small vocabulary in an
/// order that depends on both numbers: compressible like real text, different each time.
public enum EchoPayload {
    /// The smallest size `write` fills: the JSON frame around an empty text with the largest numbers.
    public static let minimumSize = 80

    static let words: [[UInt8]] = [
        "call", "queue", "agent", "status", "ready", "ringing", "customer", "ticket", "note", "transfer",
        "hold", "the", "and", "for", "with", "number", "contact", "update", "record", "priority",
        "support", "sales", "callback", "email", "order", "account", "pending", "closed", "open", "today",
    ].map { Array($0.utf8) }

    /// A size in `minimum...maximum`, log-uniform (as many 100–200 byte messages as 1–2 KB ones),
    /// from a uniform 64-bit random value.
    public static func size(random: UInt64, minimum: Int, maximum: Int) -> Int {
        let low = Double(max(minimum, 1))
        let high = Double(max(maximum, minimum, 1))
        guard high > low else { return Int(low) }
        let unit = Double(random >> 11) / Double(1 << 53)
        let value = Int((low * exp2(unit * log2(high / low))).rounded(.down))
        return min(max(value, Int(low)), Int(high))
    }

    /// Writes a message of exactly `size` bytes (at least `minimumSize`) at `destination`.
    public static func write(connection: Int, sequence: UInt64, size: Int, to destination: UnsafeMutableRawPointer) {
        precondition(size >= Self.minimumSize, "an echo message has at least \(Self.minimumSize) bytes")
        let head = Array("{\"type\":\"chat\",\"conn\":\(connection),\"seq\":\(sequence),\"text\":\"".utf8)
        let tail = Array("\"}".utf8)
        var at = 0
        for byte in head {
            destination.storeBytes(of: byte, toByteOffset: at, as: UInt8.self)
            at += 1
        }
        let textEnd = size - tail.count
        var state = UInt64(truncatingIfNeeded: connection) &* 0x9E37_79B9_7F4A_7C15 ^ sequence &* 0xBF58_476D_1CE4_E5B9
        while at < textEnd {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let word = Self.words[Int(truncatingIfNeeded: state >> 33) % Self.words.count]
            for byte in word where at < textEnd {
                destination.storeBytes(of: byte, toByteOffset: at, as: UInt8.self)
                at += 1
            }
            if at < textEnd {
                destination.storeBytes(of: UInt8(ascii: " "), toByteOffset: at, as: UInt8.self)
                at += 1
            }
        }
        for byte in tail {
            destination.storeBytes(of: byte, toByteOffset: at, as: UInt8.self)
            at += 1
        }
    }
}
