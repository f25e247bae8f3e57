import Testing
@testable import Routes

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

    @Test func leadingQuestionMarkAndEmptySegments() {
        let query = QueryString("?&x=1&&y=2&")
        #expect(query.raw == "&x=1&&y=2&")
        #expect(Self.flattened(query) == ["x=1", "y=2"])
        #expect(QueryString("").pairs.isEmpty)
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
