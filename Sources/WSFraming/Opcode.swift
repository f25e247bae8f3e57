/// A frame opcode, RFC 6455 §5.2: four bits, of which 0x3–0x7 and 0xB–0xF are reserved.
///
/// Any four-bit value can be represented, so a reserved opcode read off the wire is rejected
/// by the decoder with a typed error instead of trapping.
public struct Opcode: Hashable, Sendable, CustomStringConvertible {
    /// The four-bit value as it appears in the low nibble of the first header byte.
    public let rawValue: UInt8

    /// Wraps the low four bits of `encoded`.
    @inlinable
    public init(encoded: UInt8) { rawValue = encoded & 0x0F }

    public static let continuation = Opcode(encoded: 0x0)
    public static let text = Opcode(encoded: 0x1)
    public static let binary = Opcode(encoded: 0x2)
    public static let close = Opcode(encoded: 0x8)
    public static let ping = Opcode(encoded: 0x9)
    public static let pong = Opcode(encoded: 0xA)

    /// RFC 6455 §5.5: control frames have the most significant opcode bit set.
    @inlinable public var isControl: Bool { rawValue & 0x8 != 0 }

    /// RFC 6455 §5.2: 0x3–0x7 are reserved for further non-control frames, 0xB–0xF for control frames.
    @inlinable public var isReserved: Bool {
        switch rawValue {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA: return false
        default: return true
        }
    }

    public var description: String {
        switch rawValue {
        case 0x0: return "continuation"
        case 0x1: return "text"
        case 0x2: return "binary"
        case 0x8: return "close"
        case 0x9: return "ping"
        case 0xA: return "pong"
        default: return "reserved(0x\(String(rawValue, radix: 16)))"
        }
    }
}
