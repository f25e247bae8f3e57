/// Incremental UTF-8 validation, RFC 3629 §4 as required by RFC 6455 §5.6 and §8.1.
///
/// Input may be split anywhere, including inside a code point; validation fails on the first
/// byte that makes the prefix invalid (overlong forms, surrogates U+D800–DFFF, code points above
/// U+10FFFF), so a fragmented text message is rejected as soon as it goes wrong, not at its end.
public struct UTF8Validator: Sendable {
    /// 0: at a code point boundary. 1–3: that many continuation bytes still due (80–BF).
    /// 4: after E0 (next A0–BF). 5: after ED (next 80–9F). 6: after F0 (next 90–BF).
    /// 7: after F4 (next 80–8F). 8: invalid, final.
    @usableFromInline var state: UInt8 = 0

    @inlinable public init() {}

    /// True when everything fed so far is complete, valid UTF-8 (no code point left open).
    @inlinable public var isComplete: Bool { state == 0 }

    @inlinable public mutating func reset() { state = 0 }

    /// Feeds `bytes`; returns false as soon as the input so far can no longer be valid UTF-8.
    @inlinable
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return state != 8 }
        let count = bytes.count
        var index = 0
        var state = self.state
        while index < count {
            if state == 0 {
                // ASCII fast path, eight bytes at a time.
                while index + 8 <= count,
                      base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                if index == count { break }
            }
            state = UTF8Validator.next(state, base.load(fromByteOffset: index, as: UInt8.self))
            if state == 8 { self.state = 8; return false }
            index += 1
        }
        self.state = state
        return true
    }

    /// One step of the validation automaton.
    @inlinable
    static func next(_ state: UInt8, _ byte: UInt8) -> UInt8 {
        switch state {
        case 0:
            switch byte {
            case 0x00...0x7F: return 0
            case 0xC2...0xDF: return 1
            case 0xE0: return 4
            case 0xED: return 5
            case 0xE1...0xEC, 0xEE...0xEF: return 2
            case 0xF0: return 6
            case 0xF1...0xF3: return 3
            case 0xF4: return 7
            default: return 8  // 80–C1 (stray continuation, overlong lead) and F5–FF
            }
        case 1, 2, 3: return (0x80...0xBF).contains(byte) ? state - 1 : 8
        case 4: return (0xA0...0xBF).contains(byte) ? 1 : 8
        case 5: return (0x80...0x9F).contains(byte) ? 1 : 8
        case 6: return (0x90...0xBF).contains(byte) ? 2 : 8
        case 7: return (0x80...0x8F).contains(byte) ? 2 : 8
        default: return 8
        }
    }
}

extension UTF8Validator {
    /// Whether `bytes` is, on its own, complete and valid UTF-8.
    @inlinable
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isComplete
    }
}
