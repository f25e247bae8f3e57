import Testing
@testable import JSON

/// The strict RFC 8259 parser behind `AgentRequest.parse`.
@Suite struct AgentJSONParserTests {
    private func parse(_ text: String) -> JSONValue? {
        try? Array(text.utf8).withUnsafeBytes { JSONParser.parse($0) }.get()
    }

    private func parse(bytes: [UInt8]) -> JSONValue? {
        try? bytes.withUnsafeBytes { JSONParser.parse($0) }.get()
    }

    @Test func values() {
        #expect(parse(#" {"a":[1,-0.5e+3,true,false,null,"x"],"b":{}} "#)
            == .object(["a": .array([.number("1"), .number("-0.5e+3"), .bool(true), .bool(false), .null, .string("x")]), "b": .object([:])]))
        #expect(parse(#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#) == .string("\"\\/\u{8}\u{C}\n\r\té😀"))
        #expect(parse("\"é😀\"") == .string("é😀"))
        #expect(parse("[]") == .array([]))
        #expect(parse("0") == .number("0"))
    }

    @Test func refusals() {
        for bad in ["", " ", "{", "}", "[1,]", #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#, "'x'", "01", "1.", ".5", "+1", "-",
                    "1e", "NaN", "Infinity", "tru", "nul", "[1] 2", #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00x""#,
                    #""\ud800\u0041""#, "\"a\u{1}\"", "\"tab\t\"", #""open"#, "/* */1", "\u{FEFF}1", #"{"a":1,"a":2}"#] {
            #expect(parse(bad) == nil, "\(bad)")
        }
        // Invalid UTF-8: a lone continuation byte, an overlong encoding, a UTF-8-encoded surrogate.
        for bytes: [UInt8] in [[0x22, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(parse(bytes: bytes) == nil)
        }
    }

    @Test func nestingLimit() {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(parse(ok) != nil)
        let deep = "[" + ok + "]"
        #expect(parse(deep) == nil)
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(parse(hostile) == nil)
    }

    @Test func integersFromNumbers() {
        #expect(JSONValue.number("12").int64Value == 12)
        #expect(JSONValue.number("-3").int64Value == -3)
        #expect(JSONValue.number("1.2e1").int64Value == 12)
        #expect(JSONValue.number("12.0").int64Value == 12)
        #expect(JSONValue.number("1.5").int64Value == nil)
        #expect(JSONValue.number("9223372036854775807").int64Value == Int64.max)
        #expect(JSONValue.number("9223372036854775808").int64Value == nil)
        #expect(JSONValue.number("1e300").int64Value == nil)
        #expect(JSONValue.bool(true).int64Value == nil)
        #expect(JSONValue.string("1").int64Value == nil)
    }

    @Test func encodingSortsMembersAndEscapes() {
        let value = JSONValue.object(["b": .array([.null, .integer(-1)]), "a": .string("\u{2028}\""), "é": .bool(false), "Z": .object([:])])
        #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"Z":{},"a":"\u2028\"","b":[null,-1],"é":false}"#)
    }
}
