import Testing
@testable import HTTP1

/// `application/x-www-form-urlencoded` queries (WHATWG URL §5.1, RFC 3986 §2.1 escapes).
@Suite struct QueryStringTests {
    static func flattened(_ query: QueryString) -> [String] {
        query.pairs.map { "\($0.name)=\($0.value)" }
    }

    @Test func decodesPairsInOrder() {
        let query = QueryString("a=1&b=two+words&c=%2B%2f%C3%BC&d&=e&a=2")
        #expect(Self.flattened(query) == ["a=1", "b=two words", "c=+/ü", "d=", "=e", "a=2"])
        #expect(query.value(named: "a") == "1")
        #expect(query.values(named: "a") == ["1", "2"])
        #expect(query.value(named: "d") == "")
        #expect(query.value(named: "missing") == nil)
    }

    @Test func emptySegments() {
        let query = QueryString("&x=1&&y=2&")
        #expect(query.raw == "&x=1&&y=2&")
        #expect(Self.flattened(query) == ["x=1", "y=2"])
        #expect(QueryString("").pairs.isEmpty)
    }

    /// Fuzz finding (issue 18): a leading `?` was dropped, so `/p??x=1` was read as `x` and went
    /// upstream (`removing(names:)`) as `/p?x=1`, and the query it gave read back differently
    /// from the one it came from. The text after the target's `?` is taken verbatim: a second
    /// `?` is data, as browsers (WHATWG URL) and other servers read it (the name is `?x`).
    @Test func aQuestionMarkInTheQueryIsData() {
        let query = QueryString("?x=1&&y=2&")
        #expect(query.raw == "?x=1&&y=2&")
        #expect(Self.flattened(query) == ["?x=1", "y=2"])
        #expect(query.removing(names: ["y"]) == "?x=1")
        #expect(QueryString(query.removing(names: [])).pairs.map(\.name) == ["?x", "y"])
        #expect(QueryString("??access_token=v1").value(named: "access_token") == nil)
    }

    @Test func invalidEscapesSkipThePair() {
        let query = QueryString("a=%zz&b=%4&c=%&d=%FF&e=ok&f%=1")
        #expect(Self.flattened(query) == ["e=ok"])
        #expect(QueryString.percentDecode("%e2%82%ac+", plusAsSpace: false) == "€+")
        #expect(QueryString.percentDecode("%e2%82", plusAsSpace: true) == nil)
    }

    @Test func removingKeepsTheRestVerbatim() {
        let query = QueryString("room=5&access_token=abc&x=%zz&%61ccess_token=def&sso_token=t%2B&lang=cs+CZ")
        #expect(query.removing(names: ["access_token", "sso_token"]) == "room=5&x=%zz&lang=cs+CZ")
        #expect(QueryString("access_token=a").removing(names: ["access_token"]) == "")
        #expect(query.removing(names: []) == "room=5&access_token=abc&x=%zz&%61ccess_token=def&sso_token=t%2B&lang=cs+CZ")
    }

    @Test func semicolonIsNotASeparator() {
        #expect(Self.flattened(QueryString("a=1;b=2")) == ["a=1;b=2"])
    }
}
