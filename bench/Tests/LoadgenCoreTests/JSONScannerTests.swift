@testable import LoadgenCore
import Testing

@Suite struct JSONScannerTests {
    private func members(_ text: String) -> [(String, String)] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw)
            var out: [(String, String)] = []
            while let member = scanner.nextMember() {
                let name = String(decoding: raw[member.name], as: UTF8.self)
                guard let value = scanner.takeValue() else { break }
                out.append((name, String(decoding: raw[value], as: UTF8.self)))
            }
            return out
        }
    }

    @Test func walksEveryKindOfValue() {
        let got = self.members(#" { "a" : "x\"}y" , "b":{"c":[1,{"d":"]"}]},"e":-12.5e3,"f":true,"g":null,"h":[] } "#)
        #expect(got.map(\.0) == ["a", "b", "e", "f", "g", "h"])
        #expect(got.map(\.1) == [#""x\"}y""#, #"{"c":[1,{"d":"]"}]}"#, "-12.5e3", "true", "null", "[]"])
    }

    @Test func emptyAndMalformedObjectsEndTheWalk() {
        #expect(self.members("{}").isEmpty)
        #expect(self.members("[1]").isEmpty)
        #expect(self.members("").isEmpty)
        #expect(self.members(#"{"a":"unterminated"#).isEmpty)
        #expect(self.members(#"{"a":1,"b""#).map(\.0) == ["a"])
        #expect(self.members(#"{"a":{"b":1"#).isEmpty)
    }

    @Test func truncatedInputStillGivesTheLeadingMembers() {
        // A fragment's first frame: the name and seq come before the cut.
        let text = #"{"event":"callRinging","seq":17,"data":{"call":{"called_na"#
        let message = Array(text.utf8).withUnsafeBytes { AgentMessage.scan($0) }
        #expect(message.seq == 17)
        #expect(message.eventName != nil)
    }

    @Test func memberStringAndInteger() {
        let text = #"{"id":1,"result":{"user":"bench","token":"v1.a\/b\u00e9\ud83d\ude00","expires":1700003600}}"#
        Array(text.utf8).withUnsafeBytes { raw in
            let result = JSONScanner.member("result", in: raw)!
            let inner = UnsafeRawBufferPointer(rebasing: raw[result])
            #expect(JSONScanner.member("token", in: inner).flatMap { JSONScanner.string($0, in: inner) } == "v1.a/bé😀")
            #expect(JSONScanner.member("expires", in: inner).flatMap { JSONScanner.integer($0, in: inner) } == 1_700_003_600)
            #expect(JSONScanner.member("missing", in: raw) == nil)
            #expect(JSONScanner.member("id", in: raw).flatMap { JSONScanner.string($0, in: raw) } == nil)
        }
    }

    @Test func integersRejectFractionsAndOverflow() {
        for (text, expected) in [("0", 0), ("-7", -7), ("9223372036854775807", Int.max)] as [(String, Int?)] {
            #expect(Array(text.utf8).withUnsafeBytes { JSONScanner.integer(0..<$0.count, in: $0) } == expected)
        }
        for text in ["1.0", "1e2", "-", "", "9223372036854775808", "\"1\""] {
            #expect(Array(text.utf8).withUnsafeBytes { JSONScanner.integer(0..<$0.count, in: $0) } == nil, "\(text)")
        }
    }
}
