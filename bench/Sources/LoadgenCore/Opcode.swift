/// A WebSocket frame opcode (RFC 6455 §5.2), as a raw 4-bit value so reserved ones can be
/// represented and rejected.
public struct Opcode: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    @inlinable public init(_ rawValue: UInt8) { self.rawValue = rawValue & 0x0F }

    public static let continuation = Opcode(0x0)
    public static let text = Opcode(0x1)
    public static let binary = Opcode(0x2)
    public static let close = Opcode(0x8)
    public static let ping = Opcode(0x9)
    public static let pong = Opcode(0xA)

    /// RFC 6455 §5.5: opcodes with the high bit set are control frames.
    @inlinable public var isControl: Bool { self.rawValue & 0x8 != 0 }

    /// RFC 6455 §5.2: 0x3–0x7 and 0xB–0xF are reserved.
    @inlinable public var isReserved: Bool { !(self.rawValue <= 0x2 || (0x8...0xA).contains(self.rawValue)) }

    public var description: String {
        switch self {
        case .continuation: "continuation"
        case .text: "text"
        case .binary: "binary"
        case .close: "close"
        case .ping: "ping"
        case .pong: "pong"
        default: "reserved(0x\(String(self.rawValue, radix: 16)))"
        }
    }
}
