import Testing
@testable import MuxEnvelope
import TestSupport
@testable import JSON

/// The top-level `"id"` of a browser request, found without parsing the document.
@Suite struct RequestIDScannerTests {
    private func scan(_ text: String) -> RequestID? {
        RequestIDScanner.requestID(in: Array(text.utf8))
    }

    @Test func findsNumberAndStringIds() {
        #expect(scan(#"{"id":17}"#) == .number("17"))
        #expect(scan(#"{"id":"abc","method":"dial"}"#) == .string("abc"))
        #expect(scan(#"{"method":"dial","id":0}"#) == .number("0"))
        #expect(scan(#"{"id":""}"#) == .string(""))
    }

    @Test func keepsNumbersAsWritten() {
        for literal in ["-1", "0", "-0", "3.25", "1e9", "1E+9", "-2.5e-3", "12345678901234567890123", "0.0"] {
            #expect(scan(#"{"id":"# + literal + "}") == .number(literal), "\(literal)")
            #expect(RequestID.number(literal).json == literal)
        }
    }

    @Test func rejectsNumbersOutsideTheRFC8259Grammar() {
        for literal in ["01", "-", "+1", ".5", "1.", "1e", "1e+", "0x10", "1.5.5", "Infinity", "NaN", "- 1", "12abc"] {
            #expect(scan(#"{"id":"# + literal + "}") == nil, "\(literal)")
        }
    }

    @Test func keepsStringEscapesAsWritten() {
        #expect(scan(#"{"id":"a\"b"}"#) == .string(#"a\"b"#))
        #expect(scan(#"{"id":"\\"}"#) == .string(#"\\"#))
        #expect(scan(#"{"id":"\u00e9\/\b\f\n\r\t"}"#) == .string(#"\u00e9\/\b\f\n\r\t"#))
        #expect(scan(#"{"id":"é😀"}"#) == .string("é😀"))
        #expect(RequestID.string(#"a\"b"#).json == #""a\"b""#)
    }

    @Test func rejectsMalformedStringIds() {
        for value in [#""\x""#, #""\u00g0""#, #""\u00e""#, "\"a\u{1}b\"", "\"tab\there\"", #""unterminated"#, #""\"#] {
            #expect(scan(#"{"id":"# + value + "}") == nil, "\(value)")
        }
        // Not UTF-8: a lone continuation byte inside the id.
        let bytes = Array(#"{"id":"a"#.utf8) + [0x80] + Array(#""}"#.utf8)
        #expect(RequestIDScanner.requestID(in: bytes) == nil)
    }

    /// Issue 18 defect 6: an id is only one Callgate's own JSON parser accepts, so a reply that
    /// echoes it is JSON Callgate would accept. A surrogate escape must be half of a pair.
    @Test func loneSurrogateEscapesAreNotIds() {
        for value in [#""\ud800""#, #""\uDBFF""#, #""\udc00""#, #""a\ud800b""#, #""\ud800\u0041""#,
                      #""\ud800\ud800""#, #""\udc00\ud800""#, #""\ud800\n""#] {
            #expect(scan(#"{"id":"# + value + "}") == nil, "\(value)")
        }
        // A pair is a scalar: kept as written.
        #expect(scan(#"{"id":"\ud83d\ude00"}"#) == .string(#"\ud83d\ude00"#))
        #expect(scan(#"{"id":"\uD800\uDC00x"}"#) == .string(#"\uD800\uDC00x"#))
    }

    /// Whatever the scanner returns, Callgate's parser reads back as the same JSON value the
    /// document holds under `"id"`.
    @Test func everyIdIsJSONTheParserAccepts() throws {
        let documents = [#"{"id":"\u00e9\/x"}"#, #"{"id":-0.5e+2}"#, #"{"id":"\ud83d\ude00","method":"state"}"#,
                         #"{"id":"\"\\\b\f\n\r\t"}"#]
        for document in documents {
            let id = try #require(scan(document))
            let members = try JSONValue(parsing: document)
            guard case .object(let object) = members else { Issue.record("not an object: \(document)"); continue }
            #expect(try JSONValue(parsing: id.json) == object["id"], "\(document)")
        }
    }

    @Test func idsThatAreNotStringsOrNumbersGiveNil() {
        for value in ["null", "true", "false", "{}", #"{"id":1}"#, "[1]", "[]", "nul", "tru"] {
            #expect(scan(#"{"id":"# + value + "}") == nil, "\(value)")
        }
    }

    @Test func nonObjectsGiveNil() {
        for text in ["", "   ", "17", #""id""#, #"[{"id":1}]"#, "null", #"{"id"}"#, #"{"id" 1}"#, #"{id:1}"#, "{'id':1}", "{}", " { } "] {
            #expect(scan(text) == nil, "\(text)")
        }
    }

    @Test func ignoresIdsInsideNestedObjectsAndArrays() {
        #expect(scan(#"{"params":{"id":1}}"#) == nil)
        #expect(scan(#"{"params":{"id":1},"id":2}"#) == .number("2"))
        #expect(scan(#"{"a":[{"id":1},[[{"id":2}]]],"b":{"c":{"d":{"id":3}}},"id":"top"}"#) == .string("top"))
        #expect(scan(#"{"a":[],"b":{},"c":[[],{}],"id":4}"#) == .number("4"))
    }

    @Test func ignoresIdsInsideStringValuesAndBrackets() {
        #expect(scan(#"{"text":"{\"id\":1}"}"#) == nil)
        #expect(scan(#"{"text":"\"id\":1","id":5}"#) == .number("5"))
        #expect(scan(#"{"a":{"s":"}]\"{[\\"},"id":6}"#) == .number("6"))
        #expect(scan(#"{"a":["]","}","\\",{"k":"\"}"}],"id":7}"#) == .number("7"))
        #expect(scan(#"{"x":"id","y":"id:"}"#) == nil)
    }

    @Test func keysMustBeExactlyIdAsWritten() {
        // Escapes in keys are not decoded: "\u0069d" is the key "id" but does not match.
        #expect(scan(#"{"\u0069d":1}"#) == nil)
        #expect(scan(#"{"\u0069d":1,"id":2}"#) == .number("2"))
        for key in ["ID", "Id", "id ", " id", "ids", "i", "d", "_id", ""] {
            #expect(scan(#"{""# + key + #"":1}"#) == nil, "\(key)")
        }
    }

    @Test func theFirstTopLevelIdWins() {
        #expect(scan(#"{"id":1,"id":2}"#) == .number("1"))
        #expect(scan(#"{"id":"a","x":{},"id":"b"}"#) == .string("a"))
    }

    @Test func whitespaceEverywhere() {
        #expect(scan(" \t\r\n{ \t\r\n\"a\" \n:\t[ 1 , { \"id\" : 2 } ] \r, \n\"id\"\t:\r\n-4.5e1 \n}\n ") == .number("-4.5e1"))
        #expect(scan("{\n  \"id\" : \"x\"\n}") == .string("x"))
        // Not RFC 8259 whitespace.
        #expect(scan("{\u{C}\"id\":1}") == nil)
        #expect(scan("{\"id\":1\u{A0}}") == nil)
    }

    @Test func otherValueKindsAreSkipped() {
        #expect(scan(#"{"a":null,"b":true,"c":false,"d":-1.5e-3,"e":"s","f":[null,true],"id":8}"#) == .number("8"))
        #expect(scan(#"{"a":nul,"id":8}"#) == nil)
        #expect(scan(#"{"a":truth,"id":8}"#) == nil)
        #expect(scan(#"{"a":1 2,"id":8}"#) == nil)
        #expect(scan(#"{"a":1;"id":8}"#) == nil)
    }

    @Test func truncatedInputGivesNilUpToTheIdsTerminator() {
        #expect(scan(#"{"id":12"#) == nil)
        #expect(scan(#"{"id":"ab"#) == nil)
        #expect(scan(#"{"id":"ab""#) == nil)
        #expect(scan(#"{"id":"#) == nil)
        #expect(scan(#"{"a":{"b":[1,2"#) == nil)
        // Nothing after the id is read: a document cut after it still yields the id.
        #expect(scan(#"{"id":12,"#) == .number("12"))
        #expect(scan(#"{"id":12,"params":{"#) == .number("12"))
    }

    @Test func everyPrefixOfSomeDocumentsIsSafe() {
        let documents = [
            #"{"method":"dial","params":{"id":1,"to":"+420 123"},"list":[[],{},"]}",-1.5e+3,true,null],"id":"r-\"1\"\u00e9"}"#,
            " {\t\"text\" : \"{\\\"id\\\":1}\\\\\" ,\n \"id\" : 0.25E-2 } ",
            #"{"a":"é😀","b":[{"c":[{"d":"id"}]}],"id":"😀"}"#,
        ]
        let expected: [RequestID] = [.string(#"r-\"1\"\u00e9"#), .number("0.25E-2"), .string("😀")]
        for (document, id) in zip(documents, expected) {
            let bytes = Array(document.utf8)
            #expect(RequestIDScanner.requestID(in: bytes) == id)
            for length in 0..<bytes.count {
                // Each prefix in its own exactly-sized allocation, so any read past the end
                // would be out of bounds (and caught under the address sanitizer).
                let prefix = Array(bytes[..<length])
                let found = RequestIDScanner.requestID(in: prefix)
                #expect(found == nil || found == id, "prefix \(length)")
            }
        }
    }

    @Test func arbitraryBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array(#"{}[]":,\ u0123456789abcdefid-+.eEtrunlsx"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xFF]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 24)
            var bytes: [UInt8] = [UInt8(ascii: "{")]
            for _ in 0..<length { bytes.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            _ = RequestIDScanner.requestID(in: bytes)
            _ = RequestIDScanner.requestID(in: Array(bytes.dropFirst()))
        }
    }
}
