import Testing
@testable import LastCallersWidget
import TestSupport
@testable import JSON

/// The widget's HTML page (docs/compatibility.md §5): what it shows, in which language, and that no value from
/// outside the template can add markup. Python's `html.parser` reads the pages back as an
/// independent HTML tokenizer.
@Suite struct LastCallersPageTests {
    static let now: Int64 = 1_700_000_000
    static let customer = "+420602123456"

    private func page(_ callers: [LastCaller], number: String? = customer, callerID: String = customer,
                      language: WidgetLanguage = .en) -> String {
        String(decoding: LastCallersPage.render(LastCallersReply(number: number, callers: callers), callerID: callerID,
                                                language: language, now: Self.now), as: UTF8.self)
    }

    /// What an HTML tokenizer finds in `html`: the element names, and the texts of the elements
    /// with the classes `name`, `agent`, `number`, `empty`, `error`, as JSON compared in Python.
    private func tokenized(_ html: String, equals expected: String) throws -> String {
        let script = """
        import json, sys
        from html.parser import HTMLParser
        VOID = {"meta", "link", "img", "br", "input"}
        class Reader(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.tags, self.stack, self.texts = set(), [], {}
            def handle_starttag(self, tag, attrs):
                self.tags.add(tag)
                if tag not in VOID:
                    self.stack.append(dict(attrs).get("class"))
            def handle_endtag(self, tag):
                if tag not in VOID:
                    self.stack.pop()
            def handle_data(self, data):
                if self.stack and self.stack[-1] in ("name", "agent", "number", "empty", "error"):
                    self.texts.setdefault(self.stack[-1], []).append(data)
        reader = Reader()
        reader.feed(sys.argv[1])
        reader.close()
        found = {"tags": sorted(reader.tags), "stack": reader.stack, **{k: "".join(v) if k != "name" and k != "agent" else v for k, v in reader.texts.items()}}
        want = json.loads(sys.argv[2])
        print("ok" if found == want else json.dumps(found, ensure_ascii=False, sort_keys=True), end="")
        """
        return try ExternalTool.python(script, [html, expected])
    }

    private static let tags = #"["body","div","h1","head","header","html","img","link","main","meta","p","title""#

    @Test func hostileNamesAndNumbersStayText() throws {
        let script = #"<script>alert("x")</script>"#
        let quoted = #"o'brien" onmouseover="alert(1)"&amp;<b>"#
        let html = page([
            LastCaller(agent: "alice", displayName: script, at: Self.now - 120),
            LastCaller(agent: quoted, displayName: nil, at: Self.now - 7_200),
            LastCaller(agent: "carol", displayName: "Karolína Svobodová", at: Self.now - 3 * 86_400),
        ])
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("o&#39;brien&quot; onmouseover=&quot;alert(1)&quot;&amp;amp;&lt;b&gt;"))
        var expected = JSONWriter()
        expected.raw(#"{"tags":"#); expected.raw(#"["body","div","h1","head","header","html","img","li","link","main","meta","ol","p","span","time","title"]"#)
        expected.raw(#","stack":[],"number":"#); expected.string(Self.customer)
        expected.raw(#","name":["#); expected.string(script); expected.raw(","); expected.string(quoted)
        expected.raw(","); expected.string("Karolína Svobodová")
        expected.raw(#"],"agent":["alice","carol"]}"#)
        #expect(try tokenized(html, equals: String(decoding: expected.bytes, as: UTF8.self)) == "ok")
    }

    @Test func callersMostRecentFirstWithNamesAgentsAndTimes() {
        let html = page([
            LastCaller(agent: "alice", displayName: "Alena Nováková", at: Self.now - 30),
            LastCaller(agent: "bob", displayName: "", at: Self.now - 3_600),
        ])
        #expect(html.contains("""
        <li><span class="name">Alena Nováková</span> <span class="agent">alice</span> \
        <time datetime="2023-11-14T22:12:50Z" title="2023-11-14 22:12 UTC">just now</time></li>
        <li><span class="name">bob</span> <time datetime="2023-11-14T21:13:20Z" title="2023-11-14 21:13 UTC">1 hour ago</time></li>
        """))
        #expect(html.contains("<title>Last callers – +420602123456</title>"))
        #expect(html.contains(#"<link rel="stylesheet" href="widget.css">"#))
        #expect(html.contains(#"<img class="logo" src="logo.svg" alt="">"#))
        #expect(html.contains(#"<html lang="en">"#))
        #expect(!html.contains("style=") && !html.contains("<script"))
    }

    @Test func nobodyCalledTheNumber() throws {
        let html = page([])
        #expect(html.contains(#"<p class="empty">Nobody here has called this number yet.</p>"#))
        #expect(!html.contains("<ol"))
        #expect(try tokenized(html, equals: #"{"tags":\#(Self.tags)],"stack":[],"number":"+420602123456","empty":"Nobody here has called this number yet."}"#) == "ok")
        #expect(page([], language: .cs).contains("Na toto číslo od nás zatím nikdo nevolal."))
        #expect(page([], language: .de).contains("Diese Nummer hat von uns noch niemand angerufen."))
    }

    @Test func callerIDThatIsNotExternalIsShownEscaped() throws {
        let hostile = #""><img src=x onerror=alert(1)>"#
        let html = page([], number: nil, callerID: hostile, language: .cs)
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("Nejde o externí číslo."))
        #expect(html.contains("<title>Poslední volající</title>"))
        var expected = JSONWriter()
        expected.raw(#"{"tags":"#); expected.raw(Self.tags + "]")
        expected.raw(#","stack":[],"number":"#); expected.string(hostile)
        expected.raw(#","empty":"Nejde o externí číslo."}"#)
        #expect(try tokenized(html, equals: String(decoding: expected.bytes, as: UTF8.self)) == "ok")
    }

    @Test func emptyCallerID() {
        let html = page([], number: nil, callerID: "  ", language: .de)
        #expect(html.contains(#"<p class="empty">Keine Rufnummer übermittelt.</p>"#))
        #expect(!html.contains(#"class="number""#))
    }

    @Test func errorPage() throws {
        let error = WidgetError(status: 400, code: "unknownParameter", text: #"unknown parameter <x y="1">"#)
        let html = String(decoding: LastCallersPage.error(error, language: .en), as: UTF8.self)
        #expect(html.contains(#"<p class="error" data-code="unknownParameter">unknown parameter &lt;x y=&quot;1&quot;&gt;</p>"#))
        #expect(html.contains("<h1>Bad request</h1>"))
        #expect(!html.contains(#"class="hint""#))
        #expect(try tokenized(html, equals: #"{"tags":\#(Self.tags)],"stack":[],"error":"unknown parameter <x y=\"1\">"}"#) == "ok")
        let denied = String(decoding: LastCallersPage.error(.unauthorized(.expired), language: .cs), as: UTF8.self)
        #expect(denied.contains("<h1>Přístup odepřen</h1>"))
        #expect(denied.contains(#"<p class="error" data-code="unauthorized">credential expired</p>"#))
        #expect(denied.contains("/lastcaller/tokengen/"))
    }

    @Test func contentSecurityPolicyAllowsNoScript() {
        let policy = LastCallersPage.contentSecurityPolicy
        #expect(policy.hasPrefix("default-src 'none';"))
        #expect(!policy.contains("script-src") && !policy.contains("unsafe"))
        #expect(!policy.contains("frame-ancestors"))
    }

    @Test func relativeTimes() {
        let en = WidgetLanguage.en, cs = WidgetLanguage.cs, de = WidgetLanguage.de
        #expect([-5, 0, 59, 60, 119, 120, 3_599, 3_600, 7_200, 86_399, 86_400, 172_800].map { en.ago(seconds: $0) } == [
            "just now", "just now", "just now", "1 minute ago", "1 minute ago", "2 minutes ago", "59 minutes ago",
            "1 hour ago", "2 hours ago", "23 hours ago", "1 day ago", "2 days ago",
        ])
        #expect([30, 60, 300, 3_600, 18_000, 86_400, 432_000].map { cs.ago(seconds: $0) } == [
            "právě teď", "před 1 minutou", "před 5 minutami", "před 1 hodinou", "před 5 hodinami", "před 1 dnem", "před 5 dny",
        ])
        #expect([30, 60, 300, 3_600, 18_000, 86_400, 432_000].map { de.ago(seconds: $0) } == [
            "gerade eben", "vor 1 Minute", "vor 5 Minuten", "vor 1 Stunde", "vor 5 Stunden", "vor 1 Tag", "vor 5 Tagen",
        ])
    }

    @Test func utcTimes() {
        #expect(LastCallersPage.utc(1_700_000_000) == ("2023-11-14T22:13:20Z", "2023-11-14 22:13 UTC"))
        #expect(LastCallersPage.utc(0).iso == "1970-01-01T00:00:00Z")
        #expect(LastCallersPage.utc(-1).iso == "1969-12-31T23:59:59Z")
        #expect(LastCallersPage.utc(951_782_400).iso == "2000-02-29T00:00:00Z")
        #expect(LastCallersPage.utc(4_102_444_799).iso == "2099-12-31T23:59:59Z")
    }

    @Test func languageFromAcceptLanguage() {
        func language(_ lines: String...) -> WidgetLanguage { WidgetLanguage(acceptLanguage: lines) }
        #expect(language() == .en)
        #expect(language("cs") == .cs)
        #expect(language("cs-CZ,cs;q=0.9,en;q=0.8") == .cs)
        #expect(language("de-DE, de;q=0.9") == .de)
        #expect(language("EN-gb") == .en)
        #expect(language("fr-FR,fr;q=0.9,de;q=0.7,cs;q=0.5") == .de)
        #expect(language("fr, *;q=0.1") == .en)
        #expect(language("en;q=0.5, cs;q=0.8") == .cs)
        #expect(language("cs;q=0, de") == .de)
        #expect(language("cs;q=0") == .en)
        #expect(language("de;q=0.5, cs;q=0.500") == .de)           // equal weights: the first listed
        #expect(language("cs;q=2, de;q=0.1") == .de)               // malformed weight: dropped
        #expect(language("cs;q=0.1234, de;q=0.1") == .de)
        #expect(language("cs;q=1.0") == .cs)
        #expect(language("cs;q=1.5, de;q=0.1") == .de)
        #expect(language("fr", "cs") == .cs)                        // two field lines
        #expect(language("<script>, cs") == .cs)
        #expect(language("csx") == .en)
        #expect(language("c-s") == .en)
        // Fuzz finding (issue 18): a combining mark after the comma no longer hides `cs` (bytes, not Characters).
        #expect(language("cs,\u{301}x") == .cs)
        #expect(language("fr;q=0.1,\u{301}, cs;q=0.5") == .cs)
    }

    @Test func escapeTable() {
        #expect(HTMLText.escape(#"a&b<c>d"e'f"#) == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        #expect(HTMLText.escape("tab\tline\ncr\r") == "tab\tline\ncr\r")
        #expect(HTMLText.escape("nul\u{0}bel\u{7}del\u{7F}c1\u{85}") == "nul\u{FFFD}bel\u{FFFD}del\u{FFFD}c1\u{FFFD}")
        #expect(HTMLText.escape("Jiří Nováček 😀") == "Jiří Nováček 😀")
        #expect(HTMLText.escape("&amp;") == "&amp;amp;")
    }
}
