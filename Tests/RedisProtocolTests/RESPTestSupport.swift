import RedisProtocol

/// What feeding bytes to a parser gave: the values in order, and the error that stopped it.
struct Parsed: Equatable {
    var values: [RESPValue]
    var error: RESPError?
    /// Bytes of a value begun but not finished when the input ended (false after an error:
    /// what was left over then depends on where the input was cut).
    var midReply: Bool
}

/// Feeds `bytes` cut at `cuts` (offsets, ascending), calling `next()` until it needs more after
/// each piece, as a connection does after each read.
func feed(_ bytes: [UInt8], cuts: [Int] = [], limits: RESPLimits = RESPLimits()) -> Parsed {
    var parser = RESPParser(limits: limits)
    var values: [RESPValue] = []
    var from = 0
    for end in cuts + [bytes.count] where end >= from {
        parser.append(Array(bytes[from..<end]))
        from = end
        do {
            while let value = try parser.next() { values.append(value) }
        } catch {
            return Parsed(values: values, error: error, midReply: false)
        }
    }
    return Parsed(values: values, error: nil, midReply: parser.isMidReply)
}

/// The same bytes must give the same result whole, cut at each single offset, and one byte at a
/// time; returns the whole result.
func feedSplitEverywhere(_ bytes: [UInt8], limits: RESPLimits = RESPLimits(),
                         sourceLocation: SourceLocation = #_sourceLocation) -> Parsed {
    let whole = feed(bytes, limits: limits)
    for cut in 0...bytes.count {
        let split = feed(bytes, cuts: [cut], limits: limits)
        #expect(split == whole, "cut at \(cut)", sourceLocation: sourceLocation)
    }
    #expect(feed(bytes, cuts: Array(0..<bytes.count), limits: limits) == whole, "byte by byte", sourceLocation: sourceLocation)
    return whole
}

func resp(_ text: String) -> [UInt8] { Array(text.utf8) }

func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

import Testing
