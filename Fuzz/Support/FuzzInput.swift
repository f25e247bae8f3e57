/// Reads a fuzz input: settings from its first bytes, then text or bytes. Reading past the end
/// gives zeros and empty values, so every input is usable, however short.
public struct FuzzInput {
    public private(set) var rest: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) {
        rest = bytes
    }

    public var isEmpty: Bool { rest.isEmpty }

    public mutating func byte() -> UInt8 {
        guard let first = rest.first else { return 0 }
        rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())
        return first
    }

    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// Two bytes, big-endian.
    public mutating func uint16() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }

    /// Four bytes, big-endian.
    public mutating func uint32() -> UInt32 { UInt32(uint16()) << 16 | UInt32(uint16()) }

    /// A value of `range`, from one or two bytes.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = range.upperBound - range.lowerBound + 1
        let raw = span <= 256 ? Int(byte()) : Int(uint16())
        return range.lowerBound + raw % span
    }

    /// The bytes up to (not including) the next `separator`, which is consumed; all the rest if
    /// there is none.
    public mutating func field(separator: UInt8 = 0x0A) -> UnsafeRawBufferPointer {
        let end = rest.firstIndex(of: separator) ?? rest.count
        let field = UnsafeRawBufferPointer(rebasing: rest[..<end])
        rest = UnsafeRawBufferPointer(rebasing: rest[min(end + 1, rest.count)...])
        return field
    }

    /// `field(separator:)` as text (invalid UTF-8 becomes U+FFFD, as a `String` from the wire would).
    public mutating func text(separator: UInt8 = 0x0A) -> String {
        String(decoding: field(separator: separator), as: UTF8.self)
    }

    /// Everything not read yet.
    public mutating func remaining() -> UnsafeRawBufferPointer {
        defer { rest = UnsafeRawBufferPointer(rebasing: rest[rest.count...]) }
        return rest
    }

    /// `field(separator:)` with only visible US-ASCII kept: what a request target may hold once
    /// Callgate's HTTP parser has accepted it (RFC 9112 §3.2), so a query or path built from it
    /// is one that can reach the parsers behind it.
    public mutating func requestTarget(separator: UInt8 = 0x0A) -> String {
        String(decoding: field(separator: separator).filter { $0 > 0x20 && $0 < 0x7F }, as: UTF8.self)
    }
}
