import Testing
@testable import JSON

/// `JSONValue(parsing:)`, the strict parser's public door for other modules (Switchboard's
/// directory).
@Suite struct JSONValueParsingTests {
    @Test func parsesAValue() throws {
        #expect(try JSONValue(parsing: #" {"a":[1,"ž",null,true]} "#) ==
                .object(["a": .array([.number("1"), .string("ž"), .null, .bool(true)])]))
    }

    @Test func refusalsCarryOffsetAndReason() {
        #expect(throws: JSONSyntaxError(offset: 7, reason: "duplicate member name")) {
            try JSONValue(parsing: #"{"a":1,"a":2}"#)
        }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: "[1,]") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: "") }
    }
}
