import Testing
import RedisProtocol

/// The byte vectors of the RESP specifications (redis.io "Redis serialization protocol
/// specification" for RESP2, redis-specifications `protocol/RESP3.md`), each fed whole, cut at
/// every offset and byte by byte.
@Suite struct RESPParserTests {
    /// One vector: its bytes and the single value they must give.
    private func expectValue(_ text: String, _ expected: RESPValue, sourceLocation: SourceLocation = #_sourceLocation) {
        let parsed = feedSplitEverywhere(resp(text), sourceLocation: sourceLocation)
        #expect(parsed == Parsed(values: [expected], error: nil, midReply: false), sourceLocation: sourceLocation)
    }

    @Test func resp2SimpleTypes() {
        expectValue("+OK\r\n", .simpleString("OK"))
        expectValue("-Error message\r\n", .error(RESPErrorReply(message: "Error message")))
        expectValue("-ERR unknown command 'asdf'\r\n", .error(RESPErrorReply(message: "ERR unknown command 'asdf'")))
        expectValue("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                    .error(RESPErrorReply(message: "WRONGTYPE Operation against a key holding the wrong kind of value")))
        expectValue(":0\r\n", .integer(0))
        expectValue(":1000\r\n", .integer(1000))
        expectValue(":-1000\r\n", .integer(-1000))
        expectValue(":+1000\r\n", .integer(1000))
        expectValue(":9223372036854775807\r\n", .integer(.max))
        expectValue(":-9223372036854775808\r\n", .integer(.min))
        expectValue("$5\r\nhello\r\n", bulk("hello"))
        expectValue("$0\r\n\r\n", bulk(""))
        expectValue("$-1\r\n", .null)
        // Binary-safe: CR LF inside a bulk string are data.
        expectValue("$4\r\n\r\n\r\n\r\n", bulk("\r\n\r\n"))
    }

    @Test func errorCodeIsTheFirstWord() {
        #expect(RESPErrorReply(message: "NOSCRIPT No matching script").code == "NOSCRIPT")
        #expect(RESPErrorReply(message: "ERR").code == "ERR")
    }

    @Test func resp2Arrays() {
        expectValue("*0\r\n", .array([]))
        expectValue("*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n", .array([bulk("hello"), bulk("world")]))
        expectValue("*3\r\n:1\r\n:2\r\n:3\r\n", .array([.integer(1), .integer(2), .integer(3)]))
        expectValue("*5\r\n:1\r\n:2\r\n:3\r\n:4\r\n$5\r\nhello\r\n",
                    .array([.integer(1), .integer(2), .integer(3), .integer(4), bulk("hello")]))
        expectValue("*-1\r\n", .null)
        expectValue("*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n",
                    .array([.array([.integer(1), .integer(2), .integer(3)]),
                            .array([.simpleString("Hello"), .error(RESPErrorReply(message: "World"))])]))
        expectValue("*3\r\n$5\r\nhello\r\n$-1\r\n$5\r\nworld\r\n", .array([bulk("hello"), .null, bulk("world")]))
    }

    @Test func resp3SimpleTypes() {
        expectValue("$11\r\nhello world\r\n", bulk("hello world"))
        expectValue("+hello world\r\n", .simpleString("hello world"))
        expectValue("-ERR this is the error description\r\n", .error(RESPErrorReply(message: "ERR this is the error description")))
        expectValue(":1234\r\n", .integer(1234))
        expectValue("_\r\n", .null)
        expectValue(",1.23\r\n", .double(1.23))
        expectValue(",10\r\n", .double(10))
        expectValue(",inf\r\n", .double(.infinity))
        expectValue(",-inf\r\n", .double(-.infinity))
        expectValue(",1.5e3\r\n", .double(1500))
        expectValue(",-2E-2\r\n", .double(-0.02))
        expectValue("#t\r\n", .boolean(true))
        expectValue("#f\r\n", .boolean(false))
        expectValue("!21\r\nSYNTAX invalid syntax\r\n", .error(RESPErrorReply(message: "SYNTAX invalid syntax")))
        expectValue("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: Array("Some string".utf8)))
        expectValue("(3492890328409238509324850943850943825024385\r\n", .bigNumber("3492890328409238509324850943850943825024385"))
        expectValue("(-3492890328409238509324850943850943825024385\r\n", .bigNumber("-3492890328409238509324850943850943825024385"))
    }

    @Test func nanInEveryFormRedisSends() {
        // RESP3.md 1.4: "nan"; Redis before 7.2 may send libc's "-nan", "NAN" or "nan(chars)".
        // NaN is not equal to itself, so each cut is checked here rather than compared.
        for text in [",nan\r\n", ",-nan\r\n", ",NAN\r\n", ",nan(0x8000)\r\n"] {
            let bytes = resp(text)
            for cut in 0...bytes.count {
                let parsed = feed(bytes, cuts: [cut])
                guard parsed.values.count == 1, case .double(let value) = parsed.values[0] else {
                    Issue.record("\(text) cut at \(cut) gave \(parsed)")
                    continue
                }
                #expect(value.isNaN && parsed.error == nil && !parsed.midReply)
            }
        }
    }

    @Test func resp3Aggregates() {
        expectValue("*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n",
                    .array([.array([.integer(1), bulk("hello"), .integer(2)]), .boolean(false)]))
        expectValue("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
                    .map([RESPPair(key: .simpleString("first"), value: .integer(1)),
                          RESPPair(key: .simpleString("second"), value: .integer(2))]))
        expectValue("~5\r\n+orange\r\n+apple\r\n#t\r\n:100\r\n:999\r\n",
                    .set([.simpleString("orange"), .simpleString("apple"), .boolean(true), .integer(100), .integer(999)]))
        expectValue(">3\r\n+message\r\n+somechannel\r\n+this is the message\r\n",
                    .push([.simpleString("message"), .simpleString("somechannel"), .simpleString("this is the message")]))
        expectValue("%0\r\n", .map([]))
        expectValue("~0\r\n", .set([]))
    }

    @Test func attributesAreDroppedAndTheReplyFollows() {
        // RESP3.md "Attribute type": the reply to MGET a b is the two-item array.
        expectValue("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
                    .array([.integer(2039123), .integer(9543892)]))
        // An attribute inside an array informs only the element that follows it.
        expectValue("*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n", .array([.integer(1), .integer(2), .integer(3)]))
    }

    @Test func pushInterleavedWithAReply() {
        // RESP3.md "Push type": a GET reply after a push, and before one.
        let push = RESPValue.push([.simpleString("message"), .simpleString("somechannel"), .simpleString("this is the message")])
        let pushBytes = ">3\r\n+message\r\n+somechannel\r\n+this is the message\r\n"
        #expect(feedSplitEverywhere(resp(pushBytes + "$9\r\nGet-Reply\r\n")).values == [push, bulk("Get-Reply")])
        #expect(feedSplitEverywhere(resp("$9\r\nGet-Reply\r\n" + pushBytes)).values == [bulk("Get-Reply"), push])
    }

    @Test func pipelinedRepliesComeOutInOrder() {
        var bytes: [UInt8] = []
        for index in 0..<50 { bytes += resp(":\(index)\r\n$\(String(index).count)\r\n\(index)\r\n") }
        let parsed = feedSplitEverywhere(bytes)
        #expect(parsed.error == nil)
        #expect(parsed.values == (0..<50).flatMap { [RESPValue.integer(Int64($0)), bulk(String($0))] })
    }

    @Test func anUnfinishedReplyIsMidReply() {
        #expect(feed(resp("*2\r\n:1\r\n")) == Parsed(values: [], error: nil, midReply: true))
        #expect(feed(resp("$5\r\nhel")) == Parsed(values: [], error: nil, midReply: true))
        #expect(feed(resp(":1")) == Parsed(values: [], error: nil, midReply: true))
        #expect(feed(resp(":1\r\n")) == Parsed(values: [.integer(1)], error: nil, midReply: false))
    }

    @Test func malformedInput() {
        func error(_ text: String) -> RESPError? { feedSplitEverywhere(resp(text)).error }
        #expect(error("?what\r\n") == .unknownType(UInt8(ascii: "?")))
        #expect(error("\r\n") == .unknownType(0x0D))
        #expect(error("\n") == .unknownType(0x0A))
        #expect(error("+OK\n") == .missingCRLF)
        #expect(error("+O\rK\r\n") == .missingCRLF)
        #expect(error("-ERR a\nb\r\n") == .missingCRLF)
        #expect(error("\rX") == .unknownType(0x0D))
        #expect(error("$3\r\nabcd\r\n") == .missingCRLF)
        #expect(error("$-2\r\n") == .malformedLength("-2"))
        #expect(error("$\r\n") == .malformedLength(""))
        #expect(error("$+3\r\nabc\r\n") == .malformedLength("+3"))
        #expect(error("!-1\r\n") == .malformedLength("-1"))
        #expect(error("%-1\r\n") == .malformedLength("-1"))
        #expect(error("$?\r\n;4\r\nHell\r\n;0\r\n") == .streamedType)
        #expect(error("*?\r\n:1\r\n.\r\n") == .streamedType)
        #expect(error(":12a\r\n") == .malformedInteger("12a"))
        #expect(error(":\r\n") == .malformedInteger(""))
        #expect(error(":-\r\n") == .malformedInteger("-"))
        #expect(error(":9223372036854775808\r\n") == .malformedInteger("9223372036854775808"))
        #expect(error(":-9223372036854775809\r\n") == .malformedInteger("-9223372036854775809"))
        #expect(error(",.5\r\n") == .malformedDouble(".5"))
        #expect(error(",1.\r\n") == .malformedDouble("1."))
        #expect(error(",1e\r\n") == .malformedDouble("1e"))
        #expect(error(",0x10\r\n") == .malformedDouble("0x10"))
        #expect(error(",\r\n") == .malformedDouble(""))
        #expect(error("#x\r\n") == .malformedBoolean("x"))
        #expect(error("#\r\n") == .malformedBoolean(""))
        #expect(error("(1.5\r\n") == .malformedBigNumber("1.5"))
        #expect(error("_x\r\n") == .malformedNull)
        #expect(error("=3\r\ntxt\r\n") == .malformedVerbatim)
        #expect(error("=5\r\ntxt;a\r\n") == .malformedVerbatim)
        // Found by the resp fuzz target: a format byte that is not text would not survive as a String.
        #expect(feedSplitEverywhere(resp("=15\r\nt") + [0x82] + resp("t:Some string\r\n")).error == .malformedVerbatim)
    }

    @Test func anErrorStopsTheStreamForGood() throws {
        var parser = RESPParser()
        parser.append(resp(":1\r\n#x\r\n:2\r\n"))
        #expect(try parser.next() == .integer(1))
        #expect(throws: RESPError.malformedBoolean("x")) { try parser.next() }
        #expect(throws: RESPError.malformedBoolean("x")) { try parser.next() }
    }

    @Test func bulkLengthLimitIsCheckedOnTheHeader() {
        let limits = RESPLimits(maxBulkBytes: 8)
        #expect(feedSplitEverywhere(resp("$8\r\n12345678\r\n"), limits: limits).values == [bulk("12345678")])
        // Refused as soon as the header is in, before a byte of the body arrives.
        #expect(feed(resp("$9\r\n"), limits: limits).error == .bulkTooLong(length: 9, limit: 8))
        #expect(feed(resp("!9\r\n"), limits: limits).error == .bulkTooLong(length: 9, limit: 8))
        #expect(feed(resp("=9\r\n"), limits: limits).error == .bulkTooLong(length: 9, limit: 8))
        // A length that does not fit is malformed, not a trap.
        #expect(feed(resp("$99999999999999999999\r\n")).error == .malformedLength("99999999999999999999"))
    }

    @Test func lineLimit() {
        let limits = RESPLimits(maxLineBytes: 16)
        let fits = "+" + String(repeating: "a", count: 15) + "\r\n"
        #expect(feedSplitEverywhere(resp(fits), limits: limits).values == [.simpleString(String(repeating: "a", count: 15))])
        let long = "+" + String(repeating: "a", count: 16) + "\r\n"
        #expect(feedSplitEverywhere(resp(long), limits: limits).error == .lineTooLong(limit: 16))
        // No CR LF in sight: refused once the limit is passed, without waiting for the end.
        #expect(feed(resp("+" + String(repeating: "a", count: 40)), limits: limits).error == .lineTooLong(limit: 16))
    }

    @Test func depthLimit() {
        let limits = RESPLimits(maxDepth: 3)
        #expect(feedSplitEverywhere(resp("*1\r\n*1\r\n*1\r\n:1\r\n"), limits: limits).values == [.array([.array([.array([.integer(1)])])])])
        #expect(feedSplitEverywhere(resp("*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n"), limits: limits).error == .tooDeep(limit: 3))
        // Empty aggregates open nothing.
        #expect(feedSplitEverywhere(resp("*1\r\n*1\r\n*1\r\n*0\r\n"), limits: limits).values == [.array([.array([.array([.array([])])])])])
    }

    @Test func elementLimitCountsEveryLevel() {
        let limits = RESPLimits(maxElements: 4)
        // The array and its three items: four values.
        #expect(feedSplitEverywhere(resp("*3\r\n:1\r\n:2\r\n:3\r\n"), limits: limits).values.count == 1)
        #expect(feedSplitEverywhere(resp("*2\r\n*2\r\n:1\r\n:2\r\n:3\r\n"), limits: limits).error == .tooManyElements(limit: 4))
        // A count over the limit is refused on its header.
        #expect(feed(resp("*5\r\n"), limits: limits).error == .tooManyElements(limit: 4))
        #expect(feed(resp("%3\r\n"), limits: limits).error == .tooManyElements(limit: 4))
        #expect(feed(resp("*99999999999999999\r\n")).error == .tooManyElements(limit: RESPLimits().maxElements))
        // The count restarts with each reply.
        #expect(feedSplitEverywhere(resp("*3\r\n:1\r\n:2\r\n:3\r\n*3\r\n:1\r\n:2\r\n:3\r\n"), limits: limits).values.count == 2)
    }

    @Test func largeBulkStringInManyReads() {
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bytes = resp("$\(body.count)\r\n") + body + resp("\r\n:7\r\n")
        let cuts = Array(stride(from: 1, to: bytes.count, by: 4_093))
        #expect(feed(bytes, cuts: cuts) == Parsed(values: [.bulkString(body), .integer(7)], error: nil, midReply: false))
    }

    @Test func accessors() {
        #expect(bulk("42").integer == 42)
        #expect(RESPValue.integer(5).integer == 5)
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.verbatimString(format: "txt", text: Array("x".utf8)).string == "x")
        #expect(RESPValue.null.string == nil)
        #expect(RESPValue.push([.integer(1)]).elements == [.integer(1)])
        #expect(RESPValue.null.isNull)
    }
}
