import Testing
@testable import HTTP1
@testable import StaticContent

/// Entity tags (RFC 9110 §8.8.3) and the If-None-Match / If-Modified-Since evaluation
/// (§13.1.2, §13.1.3, §13.2.2).
@Suite struct StaticConditionalTests {
    static func tag(_ text: String) -> EntityTag { EntityTag(parsing: text)! }

    @Test func parsesAndPrintsTags() {
        #expect(Self.tag("\"xyzzy\"") == EntityTag(opaqueTag: "xyzzy"))
        #expect(Self.tag("W/\"xyzzy\"") == EntityTag(opaqueTag: "xyzzy", isWeak: true))
        #expect(Self.tag("\"\"").opaqueTag == "")
        #expect(Self.tag("W/\"xyzzy\"").description == "W/\"xyzzy\"")
        #expect(Self.tag("\"a,b\"").opaqueTag == "a,b")
        for bad in ["xyzzy", "\"xyzzy", "w/\"xyzzy\"", "W/xyzzy", "\"a\"b", " \"a\"", "\"a b\"", "\"a\"\"", ""] {
            #expect(EntityTag(parsing: bad) == nil, "\(bad)")
        }
        #expect(EntityTag(opaqueTag: "has\"quote") == nil)
        #expect(EntityTag(opaqueTag: "has space") == nil)
    }

    /// The table of RFC 9110 §8.8.3.2.
    @Test(arguments: [
        ("W/\"1\"", "W/\"1\"", false, true),
        ("W/\"1\"", "W/\"2\"", false, false),
        ("W/\"1\"", "\"1\"", false, true),
        ("\"1\"", "\"1\"", true, true),
    ])
    func comparisonTable(first: String, second: String, strong: Bool, weak: Bool) {
        let a = Self.tag(first), b = Self.tag(second)
        #expect(a.matchesStrongly(b) == strong)
        #expect(b.matchesStrongly(a) == strong)
        #expect(a.matchesWeakly(b) == weak)
        #expect(b.matchesWeakly(a) == weak)
    }

    @Test func ifNoneMatchLists() {
        #expect(IfNoneMatch(fieldValues: []) == nil)
        #expect(IfNoneMatch(fieldValues: ["*"]) == .any)
        #expect(IfNoneMatch(fieldValues: [" * "]) == .any)
        // The §13.1.2 examples.
        #expect(IfNoneMatch(fieldValues: ["\"xyzzy\""]) == .tags([Self.tag("\"xyzzy\"")]))
        #expect(IfNoneMatch(fieldValues: ["W/\"xyzzy\""]) == .tags([Self.tag("W/\"xyzzy\"")]))
        #expect(IfNoneMatch(fieldValues: ["\"xyzzy\", \"r2d2xxxx\", \"c3piozzzz\""])
                == .tags([Self.tag("\"xyzzy\""), Self.tag("\"r2d2xxxx\""), Self.tag("\"c3piozzzz\"")]))
        #expect(IfNoneMatch(fieldValues: ["W/\"xyzzy\", W/\"r2d2xxxx\", W/\"c3piozzzz\""])?.matches(Self.tag("\"r2d2xxxx\"")) == true)
        // Several field lines are one list; empty elements are skipped; commas inside a tag stay.
        #expect(IfNoneMatch(fieldValues: ["\"a\"", "\"b\""]) == .tags([Self.tag("\"a\""), Self.tag("\"b\"")]))
        #expect(IfNoneMatch(fieldValues: [",\"a\",, \t\"b\" ,"]) == .tags([Self.tag("\"a\""), Self.tag("\"b\"")]))
        #expect(IfNoneMatch(fieldValues: ["\"a,b\", \"c\""]) == .tags([Self.tag("\"a,b\""), Self.tag("\"c\"")]))
    }

    @Test func malformedIfNoneMatchMatchesNothing() {
        for bad in ["xyzzy", "\"a\" \"b\"", "\"a\", *", "*, \"a\"", "\"unterminated", "W/", "", ","] {
            let field = IfNoneMatch(fieldValues: [bad])
            #expect(field == .malformed, "\(bad)")
            #expect(field?.matches(Self.tag("\"a\"")) == false)
        }
    }

    static let current = EntityTag(opaqueTag: "abc123")!
    static let modified = HTTPDate(parsing: "Sun, 06 Nov 1994 08:49:37 GMT")!

    static func outcome(ifNoneMatch: [String] = [], ifModifiedSince: [String] = []) -> ConditionalRequest.Outcome {
        ConditionalRequest(ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince)
            .evaluate(entityTag: current, lastModified: modified)
    }

    @Test func ifNoneMatchDecides() {
        #expect(Self.outcome() == .full)
        #expect(Self.outcome(ifNoneMatch: ["\"abc123\""]) == .notModified)
        #expect(Self.outcome(ifNoneMatch: ["W/\"abc123\""]) == .notModified) // weak comparison
        #expect(Self.outcome(ifNoneMatch: ["\"other\", \"abc123\""]) == .notModified)
        #expect(Self.outcome(ifNoneMatch: ["*"]) == .notModified)
        #expect(Self.outcome(ifNoneMatch: ["\"other\""]) == .full)
        #expect(Self.outcome(ifNoneMatch: ["\"ABC123\""]) == .full) // opaque tags are case-sensitive
        #expect(Self.outcome(ifNoneMatch: ["abc123"]) == .full)     // malformed: no match
        #expect(ConditionalRequest.Outcome.full.status == 200)
        #expect(ConditionalRequest.Outcome.notModified.status == 304)
    }

    @Test func ifModifiedSinceOnlyWithoutIfNoneMatch() {
        let same = "Sun, 06 Nov 1994 08:49:37 GMT"
        let later = "Sun, 06 Nov 1994 08:49:38 GMT"
        let earlier = "Sun, 06 Nov 1994 08:49:36 GMT"
        #expect(Self.outcome(ifModifiedSince: [same]) == .notModified)
        #expect(Self.outcome(ifModifiedSince: [later]) == .notModified)
        #expect(Self.outcome(ifModifiedSince: [earlier]) == .full)
        #expect(Self.outcome(ifModifiedSince: ["Sun Nov  6 08:49:37 1994"]) == .notModified) // asctime
        // §13.2.2: If-None-Match present, If-Modified-Since is not consulted, even if it would say 304.
        #expect(Self.outcome(ifNoneMatch: ["\"other\""], ifModifiedSince: [later]) == .full)
        #expect(Self.outcome(ifNoneMatch: ["garbage"], ifModifiedSince: [later]) == .full)
        // §13.1.3: an invalid date, or more than one member, is ignored.
        #expect(Self.outcome(ifModifiedSince: ["yesterday"]) == .full)
        #expect(Self.outcome(ifModifiedSince: [later, later]) == .full)
        #expect(Self.outcome(ifModifiedSince: [" \(later) "]) == .notModified)
    }
}
