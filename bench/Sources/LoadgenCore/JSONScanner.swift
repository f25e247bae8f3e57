/// A forward-only reader of the top-level members of one JSON object (RFC 8259), over bytes.
///
/// Enough for the fan-out client: it walks the members of the outer object in order, hands out
/// each name and where its value starts, and skips values it is not asked about without decoding
/// them (nested objects and arrays, strings with escapes, numbers, literals). It reads no further
/// than needed, so `{"event":"callRinging","seq":17,"data":{…}}` costs the first 35 bytes when
/// only the event name and seq are wanted.
///
/// Not checked: UTF-8 validity, number grammar beyond its characters, duplicate names. Malformed
/// input ends the walk (`nextMember` returns nil); it never traps or reads past `bytes`.
public struct JSONScanner {
    public let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    public private(set) var position = 0
    /// After `nextMember`, the value has not been consumed yet.
    private var valuePending = false
    private var started = false

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next member's name (the raw bytes between the quotes, escapes not decoded) and the
    /// offset where its value starts; nil at the end of the object or on malformed input.
    public mutating func nextMember() -> (name: Range<Int>, value: Int)? {
        if !self.started {
            self.started = true
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: "{") else { return nil }
            self.position += 1
            self.skipWhitespace()
            if self.peek() == UInt8(ascii: "}") { return nil }
        } else {
            if self.valuePending {
                guard self.skipValue() else { return nil }
            }
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: ",") else { return nil }
            self.position += 1
            self.skipWhitespace()
        }
        guard let name = self.skipString() else { return nil }
        self.skipWhitespace()
        guard self.peek() == UInt8(ascii: ":") else { return nil }
        self.position += 1
        self.skipWhitespace()
        guard self.position < self.bytes.count else { return nil }
        self.valuePending = true
        return (name.lowerBound + 1 ..< name.upperBound - 1, self.position)
    }

    /// Consumes the pending value and returns its extent (for a string, with its quotes).
    public mutating func takeValue() -> Range<Int>? {
        guard self.valuePending else { return nil }
        let start = self.position
        guard self.skipValue() else { return nil }
        return start..<self.position
    }

    /// Whether the member name at `range` is `name` (byte for byte; escaped names never match).
    public func name(_ range: Range<Int>, is name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for i in 0..<range.count where self.bytes[range.lowerBound + i] != expected[i] { return false }
        return true
    }

    /// The value of the first member called `name`, as its raw extent; nil if there is none.
    public static func member(_ name: StaticString, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var scanner = JSONScanner(bytes)
        while let member = scanner.nextMember() {
            if scanner.name(member.name, is: name) { return scanner.takeValue() }
        }
        return nil
    }

    /// A JSON string value (with its quotes) decoded; nil if `range` is not a string.
    /// Escapes: `\" \\ \/ \b \f \n \r \t \uXXXX` (surrogate pairs joined; a lone one becomes U+FFFD).
    public static func string(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") else {
            return nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound + 1
        let end = range.upperBound - 1
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= end else { return nil }
            var value: UInt32 = 0
            for k in at..<at + 4 {
                let c = bytes[k]
                let digit: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while i < end {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { return nil }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(i) else { return nil }
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                    let low = hex4(i + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default:
                return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON integer value (an optional minus and digits, no fraction or exponent); nil otherwise
    /// or beyond Int64.
    public static func integer(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Int? {
        var i = range.lowerBound
        let negative = i < range.upperBound && bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < range.upperBound else { return nil }
        var value = 0
        while i < range.upperBound {
            let c = bytes[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        return negative ? -value : value
    }

    // MARK: - Skipping

    private func peek() -> UInt8? {
        self.position < self.bytes.count ? self.bytes[self.position] : nil
    }

    private mutating func skipWhitespace() {
        // RFC 8259 §2: space, tab, line feed, carriage return.
        while let c = self.peek(), c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { self.position += 1 }
    }

    /// Skips a string starting at `position`; returns its extent with the quotes.
    private mutating func skipString() -> Range<Int>? {
        let start = self.position
        guard self.peek() == UInt8(ascii: "\"") else { return nil }
        var i = start + 1
        while i < self.bytes.count {
            switch self.bytes[i] {
            case UInt8(ascii: "\""):
                self.position = i + 1
                return start..<self.position
            case UInt8(ascii: "\\"):
                i += 2
            default:
                i += 1
            }
        }
        return nil
    }

    /// Skips one value of any kind; false if it is malformed or runs past the end.
    private mutating func skipValue() -> Bool {
        self.valuePending = false
        guard let c = self.peek() else { return false }
        switch c {
        case UInt8(ascii: "\""):
            return self.skipString() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Nesting is counted across both kinds; strings inside are skipped whole, so their
            // brackets do not count. Mismatched brackets are not detected.
            var depth = 0
            while let d = self.peek() {
                switch d {
                case UInt8(ascii: "\""):
                    guard self.skipString() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        self.position += 1
                        return true
                    }
                default:
                    break
                }
                self.position += 1
            }
            return false
        default:
            // A number or a literal: up to the next delimiter.
            let start = self.position
            while let d = self.peek(), d != UInt8(ascii: ","), d != UInt8(ascii: "}"), d != UInt8(ascii: "]"),
                d != 0x20, d != 0x09, d != 0x0A, d != 0x0D
            {
                self.position += 1
            }
            return self.position > start
        }
    }
}
