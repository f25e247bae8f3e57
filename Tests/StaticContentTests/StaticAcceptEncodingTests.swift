import Testing
@testable import StaticContent

/// Accept-Encoding, RFC 9110 §12.5.3, with §12.4.2 q-values.
@Suite struct StaticAcceptEncodingTests {
    static func gzip(_ values: String...) -> Bool { AcceptEncoding(fieldValues: values).acceptsGzip }

    @Test func gzipByName() {
        #expect(Self.gzip("gzip"))
        #expect(Self.gzip("gzip, deflate, br"))
        #expect(Self.gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"))
        #expect(Self.gzip("GZIP"))
        #expect(Self.gzip("x-gzip"))
        #expect(Self.gzip(" \tgzip ; q=0.001 "))
        #expect(Self.gzip("deflate", "gzip")) // several field lines are one list
    }

    @Test func zeroWeightRefuses() {
        #expect(!Self.gzip("gzip;q=0"))
        #expect(!Self.gzip("gzip;Q=0.000"))
        #expect(!Self.gzip("gzip;q=0, *"))
        #expect(!Self.gzip("*, gzip;q=0"))
        #expect(!Self.gzip("*;q=0"))
        #expect(!Self.gzip("identity"))
        #expect(!Self.gzip("deflate, br"))
    }

    @Test func wildcardCounts() {
        #expect(Self.gzip("*"))
        #expect(Self.gzip("br, *;q=0.5"))
        #expect(Self.gzip("identity;q=0, *"))
    }

    @Test func absentOrEmptyMeansIdentity() {
        #expect(!AcceptEncoding(fieldValues: []).acceptsGzip)
        #expect(!Self.gzip(""))
        #expect(AcceptEncoding(fieldValues: []).acceptsIdentity)
    }

    @Test func malformedElementsGrantNothing() {
        #expect(!Self.gzip("gzip;q=2"))
        #expect(!Self.gzip("gzip;q=1.5"))
        #expect(!Self.gzip("gzip;q=0.0001"))
        #expect(!Self.gzip("gzip;q=abc"))
        #expect(!Self.gzip("gzip;level=1"))
        #expect(!Self.gzip("gzip;q = 1"))
        #expect(!Self.gzip("gz ip"))
        // A broken element does not spoil the others.
        #expect(Self.gzip("br;q=x, gzip"))
        #expect(Self.gzip("gzip;q=oops, *"))
    }

    /// Fuzz finding (issue 18): the list was split on Characters, so a combining mark after a
    /// comma (U+0301) joined the comma to the next element and hid `gzip` before it; two field
    /// lines and the same elements on one line gave different answers. Split as bytes.
    @Test func combiningMarkAfterACommaDoesNotJoinElements() {
        #expect(AcceptEncoding(fieldValues: ["gzip,\u{301}br"]).weight(of: "gzip") == 1000)
        #expect(AcceptEncoding(fieldValues: [", br", "\u{5BF}q=5.5"]) == AcceptEncoding(fieldValues: [", br,\u{5BF}q=5.5"]))
        #expect(AcceptEncoding(fieldValues: ["gzip;q=0.5,\u{301}"]).weight(of: "gzip") == 500)
    }

    @Test func weightsAndIdentity() {
        let field = AcceptEncoding(fieldValues: ["br;q=1.0, gzip;q=0.8, *;q=0.1"])
        #expect(field.weight(of: "gzip") == 800)
        #expect(field.weight(of: "BR") == 1000)
        #expect(field.weight(of: "zstd") == 100)
        #expect(AcceptEncoding(fieldValues: ["gzip;q=0.5"]).weight(of: "zstd") == nil)
        #expect(qvalue("0.") == 0 && qvalue("1.000") == 1000 && qvalue("1.001") == nil && qvalue("1.") == 1000)
        #expect(qvalue("0.1234") == nil && qvalue("") == nil && qvalue("2") == nil && qvalue("0.5 ") == nil)
        #expect(AcceptEncoding(fieldValues: ["gzip"]).acceptsIdentity)
        #expect(!AcceptEncoding(fieldValues: ["identity;q=0"]).acceptsIdentity)
        #expect(!AcceptEncoding(fieldValues: ["*;q=0"]).acceptsIdentity)
        #expect(AcceptEncoding(fieldValues: ["*;q=0, identity"]).acceptsIdentity)
    }
}

private func qvalue(_ text: String) -> Int? { Array(text.utf8)[...].qvalue }
