// fuzz-options: -max_len=8192
import FuzzSupport
import RedisProtocol

/// The RESP2/RESP3 reply parser (`RESPParser`), on what a Redis server sends. Input: a limits
/// byte, two bytes of cut point, a stride byte, then the bytes from the server.
///
/// Properties:
/// - the values and the error are the same whether the bytes arrive whole, cut at one point,
///   or in pieces of 1–16 bytes;
/// - no value breaks the limits: strings within `maxBulkBytes`, nesting within `maxDepth`,
///   values per reply within `maxElements`;
/// - each value, written out again in RESP3 (`write` below), parses back to the same value;
/// - a command made of the input's lines (`RESPCommand`) parses back as an array of bulk
///   strings holding exactly those arguments.
@main enum RESPFuzz {
    static func main() { Fuzzer.run(test) }

    struct Outcome: Equatable {
        /// Values as text: NaN is not equal to itself, its description is.
        var values: [String] = []
        var parsed: [RESPValue] = []
        var error: RESPError?

        static func == (a: Outcome, b: Outcome) -> Bool { a.values == b.values && a.error == b.error }
    }

    static func parse(_ pieces: [[UInt8]], limits: RESPLimits) -> Outcome {
        var parser = RESPParser(limits: limits)
        var outcome = Outcome()
        for piece in pieces {
            parser.append(piece)
            do throws(RESPError) {
                while let value = try parser.next() {
                    outcome.values.append("\(value)")
                    outcome.parsed.append(value)
                }
            } catch {
                outcome.error = error
                break
            }
        }
        return outcome
    }

    /// Small limits on odd settings bytes, so the fuzzer reaches every limit; the defaults else.
    static func limits(_ byte: UInt8) -> RESPLimits {
        guard byte & 1 == 1 else { return RESPLimits() }
        return RESPLimits(maxBulkBytes: Int(byte >> 1 & 0x3F), maxLineBytes: 16 + Int(byte >> 4), maxDepth: 1 + Int(byte >> 5),
                          maxElements: 1 + Int(byte >> 2))
    }

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let limits = limits(input.byte())
        let cut = Int(input.uint16())
        let stride = input.int(in: 1...16)
        let bytes = input.remaining()

        let outcomes = Pieces.splits(count: bytes.count, cut: cut, stride: stride).map {
            parse(Pieces.cut(bytes, at: $0), limits: limits)
        }
        for (index, outcome) in outcomes.enumerated().dropFirst() {
            requireEqual(outcome, outcomes[0], "split \(index) against whole")
        }
        for value in outcomes[0].parsed {
            var count = 0
            check(value, depth: 0, count: &count, limits: limits)
            let written = write(value)
            let again = parse([written], limits: RESPLimits(maxBulkBytes: Int.max >> 2, maxLineBytes: 1 << 20, maxDepth: 64, maxElements: Int.max >> 2))
            requireEqual(again.values, ["\(value)"], "\(value) written out and parsed again")
        }

        var lines = FuzzInput(bytes)
        var arguments: [[UInt8]] = [Array(lines.field())]
        while !lines.isEmpty && arguments.count < 64 { arguments.append(Array(lines.field())) }
        let command = RESPCommand(arguments: arguments)
        let echoed = parse([command.encoded], limits: RESPLimits())
        requireEqual(echoed.parsed, [.array(arguments.map { .bulkString($0) })], "a command read back")
    }

    /// Aggregates nest within `maxDepth`, strings within `maxBulkBytes`, values within `maxElements`.
    static func check(_ value: RESPValue, depth: Int, count: inout Int, limits: RESPLimits) {
        count += 1
        require(count <= limits.maxElements, "more than \(limits.maxElements) values in one reply")
        switch value {
        case .bulkString(let bytes), .verbatimString(_, let bytes):
            require(bytes.count <= limits.maxBulkBytes, "a string of \(bytes.count) bytes")
        case .array(let items), .set(let items), .push(let items):
            // An empty aggregate opens nothing (nothing can nest in it), so it may sit at the limit.
            require(items.isEmpty || depth < limits.maxDepth, "nested deeper than \(limits.maxDepth)")
            for item in items { check(item, depth: depth + 1, count: &count, limits: limits) }
        case .map(let pairs):
            require(pairs.isEmpty || depth < limits.maxDepth, "nested deeper than \(limits.maxDepth)")
            for pair in pairs {
                check(pair.key, depth: depth + 1, count: &count, limits: limits)
                check(pair.value, depth: depth + 1, count: &count, limits: limits)
            }
        default:
            break
        }
    }

    /// RESP3 for any value: an error that holds CR or LF (from a `!` blob error) as a blob error
    /// again, since a simple error cannot.
    static func write(_ value: RESPValue) -> [UInt8] {
        func line(_ type: Character, _ text: String) -> [UInt8] { Array("\(type)\(text)\r\n".utf8) }
        func blob(_ type: Character, _ bytes: [UInt8]) -> [UInt8] { line(type, "\(bytes.count)") + bytes + [13, 10] }
        switch value {
        case .simpleString(let text):
            return line("+", text)
        case .error(let reply):
            let text = reply.message
            return text.utf8.contains(where: { $0 == 13 || $0 == 10 }) ? blob("!", Array(text.utf8)) : line("-", text)
        case .integer(let number): return line(":", "\(number)")
        case .bulkString(let bytes): return blob("$", bytes)
        case .null: return line("_", "")
        case .double(let number): return line(",", number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : "\(number)")
        case .boolean(let flag): return line("#", flag ? "t" : "f")
        case .bigNumber(let digits): return line("(", digits)
        case .verbatimString(let format, let text): return blob("=", Array(format.utf8) + [UInt8(ascii: ":")] + text)
        case .array(let items): return line("*", "\(items.count)") + items.flatMap(write)
        case .set(let items): return line("~", "\(items.count)") + items.flatMap(write)
        case .push(let items): return line(">", "\(items.count)") + items.flatMap(write)
        case .map(let pairs): return line("%", "\(pairs.count)") + pairs.flatMap { write($0.key) + write($0.value) }
        }
    }
}
