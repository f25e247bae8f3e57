import Testing
@testable import ClickToCall
import TestSupport

/// Every click-to-call URL of docs/compatibility.md §3 verbatim, then the refusals.
@Suite struct ClickToCallRequestTests {
    private func parse(_ url: String, method: String = "GET", _ plan: NumberPlan = Plans.germany)
        -> Result<ClickToCallRequest, ClickToCallError> {
        let (path, query) = SeedURL.split(url)
        return ClickToCallRequest.parse(method: method, path: path, query: query, numbering: plan)
    }

    private func dial(_ url: String, _ plan: NumberPlan = Plans.germany) throws -> ClickToCallRequest {
        try parse(url, plan).get()
    }

    // MARK: docs/compatibility.md §3.2, §3.3, Oktell

    @Test func oktellClientCallto() throws {
        let request = try dial("http://127.0.0.1:4059/callto?number=74952294989", Plans.russia)
        #expect(request == ClickToCallRequest(dialect: .oktellClient,
                                              dial: Dial(agent: .requester, number: "+74952294989", direction: .city, sequence: .back)))
    }

    @Test func oktellServerByUser() throws {
        let request = try dial("http://192.168.0.1:4055/wp_autocallstart?user=admin&number=74952294989&direction=city&sequence=back", Plans.russia)
        #expect(request.dialect == .oktellServer)
        #expect(request.dial == Dial(agent: .user("admin"), number: "+74952294989", direction: .city, sequence: .back))
        #expect(request.apiKey == nil)
    }

    @Test func oktellServerByWorkplaceAddressAndName() throws {
        let byAddress = try dial("http://192.168.0.1:4055/wp_autocallstart?wp=192.168.0.82&number=74952294989&direction=city&sequence=back", Plans.russia)
        #expect(byAddress.dial == Dial(agent: .workplace("192.168.0.82"), number: "+74952294989", direction: .city, sequence: .back))
        let byName = try dial("http://192.168.0.1:4055/wp_autocallstart?wp=Comp082&number=74952294989&direction=city&sequence=back", Plans.russia)
        #expect(byName.dial == Dial(agent: .workplace("Comp082"), number: "+74952294989", direction: .city, sequence: .back))
    }

    @Test func oktellServerByLineWithDefaults() throws {
        // No direction: detected; no sequence: direct (docs/compatibility.md §3.3: "По умолчанию стандартный прямой вызов").
        let external = try dial("http://192.168.0.1:4055/wp_autocallstart?line=101&number=84952294989", Plans.russia)
        #expect(external.dial == Dial(agent: .line("101"), number: "+74952294989", direction: .city, sequence: .direct))
        let internalCall = try dial("http://192.168.0.1:4055/wp_autocallstart?line=101&number=2001", Plans.russia)
        #expect(internalCall.dial == Dial(agent: .line("101"), number: "2001", direction: .pbx, sequence: .direct))
        let explicit = try dial("/wp_autocallstart?user=admin&number=2001&direction=pbx&sequence=back&key=k-123", Plans.russia)
        #expect(explicit.dial == Dial(agent: .user("admin"), number: "2001", direction: .pbx, sequence: .back))
        #expect(explicit.apiKey == "k-123")
    }

    @Test func oktellServerDirectionRules() {
        // pbx needs a known extension; city needs an outside number.
        #expect(parse("/wp_autocallstart?user=admin&number=74952294989&direction=pbx", Plans.russia) == .failure(.unknownExtension))
        #expect(parse("/wp_autocallstart?user=admin&number=3001&direction=pbx", Plans.russia) == .failure(.unknownExtension))
        #expect(parse("/wp_autocallstart?user=admin&number=2001&direction=city", Plans.russia)
                == .failure(.numberNotDialable("too short for an outside number")))
        #expect(parse("/wp_autocallstart?user=admin&number=2001&direction=CITY", Plans.russia)
                == .failure(.invalidParameter(name: "direction", expected: "pbx or city")))
        #expect(parse("/wp_autocallstart?user=admin&number=2001&sequence=later", Plans.russia)
                == .failure(.invalidParameter(name: "sequence", expected: "direct or back")))
    }

    @Test func oktellServerAgentSelectors() {
        #expect(parse("/wp_autocallstart?number=74952294989", Plans.russia) == .failure(.missingAgent))
        #expect(parse("/wp_autocallstart?user=admin&wp=Comp082&number=74952294989", Plans.russia)
                == .failure(.conflictingAgents(["user", "wp"])))
        #expect(parse("/wp_autocallstart?line=1&wp=Comp082&user=admin&number=74952294989", Plans.russia)
                == .failure(.conflictingAgents(["user", "wp", "line"])))
        let rule = "1–128 bytes without control characters"
        #expect(parse("/wp_autocallstart?user=&number=74952294989", Plans.russia) == .failure(.invalidParameter(name: "user", expected: rule)))
        #expect(parse("/wp_autocallstart?wp=a%0Db&number=74952294989", Plans.russia) == .failure(.invalidParameter(name: "wp", expected: rule)))
        #expect(parse("/wp_autocallstart?line=\(String(repeating: "x", count: 129))&number=74952294989", Plans.russia)
                == .failure(.invalidParameter(name: "line", expected: rule)))
        // UTF-8 names are fine.
        #expect((try? dial("/wp_autocallstart?user=%D0%98%D0%B2%D0%B0%D0%BD&number=74952294989", Plans.russia))?.dial.agent == .user("Иван"))
    }

    // MARK: docs/compatibility.md §3.4, §3.5: Mia, Yealink, SNOM

    @Test func miaMakeCall() throws {
        let v4 = try dial("http://192.168.0.16:61234?action=make_call&target=123")
        #expect(v4 == ClickToCallRequest(dialect: .mia, dial: Dial(agent: .requester, number: "123", direction: .pbx, sequence: .back)))
        let v6 = try dial("http://[2003:a:1514:bc00:2c19:6474:2da5:1dc5]:61234?action=make_call&target=121")
        #expect(v6.dial == Dial(agent: .requester, number: "121", direction: .pbx, sequence: .back))
        let external = try dial("/?action=make_call&target=030%2012345678&key=agent-key")
        #expect(external.dial.number == "+493012345678")
        #expect(external.apiKey == "agent-key")
    }

    @Test func miaOtherActions() {
        #expect(parse("/?action=answer") == .failure(.unsupportedCommand("action=answer")))
        #expect(parse("/?action=make_call") == .failure(.missingNumber(parameter: "target")))
        #expect(parse("/?action=make_call&number=123") == .failure(.unknownParameter("number")))
        // `/` without `action` is not click-to-call (the static index page).
        #expect(ClickToCallDialect(path: "/", query: nil) == nil)
        #expect(ClickToCallDialect(path: "/", query: "lang=de") == nil)
        #expect(parse("/?lang=de") == .failure(.notFound))
    }

    @Test func yealinkServletKeyNumber() throws {
        let request = try dial("http://10.3.20.10/servlet?key=number=1234")
        #expect(request == ClickToCallRequest(dialect: .yealink, dial: Dial(agent: .requester, number: "1234", direction: .pbx, sequence: .back)))
        // The wiki's placeholder, verbatim: "xxx" is not a number.
        #expect(parse("http(s)://<phoneIPAddress>/servlet?key=number=xxx") == .failure(.numberHasInvalidCharacters))
        // Encoded the other way round: key=number%3D… decodes to the same command.
        #expect(try dial("/servlet?key=number%3D1234").dial.number == "1234")
        // A raw + stays a plus right after "number=".
        #expect(try dial("/servlet?key=number=+49301234567").dial.number == "+49301234567")
        #expect(parse("/servlet?key=OK") == .failure(.unsupportedCommand("key=OK")))
        #expect(parse("/servlet") == .failure(.missingNumber(parameter: "key=number=")))
        #expect(parse("/servlet?key=number=") == .failure(.missingNumber(parameter: "key=number=")))
        #expect(parse("/servlet?key=number=1234&number=1234") == .failure(.unknownParameter("number")))
    }

    @Test func yealinkOlderForms() throws {
        for path in ["/cgi-bin/ConfigManApp.com", "/cgiServer.exx"] {
            #expect(try dial("http://10.3.20.10\(path)?number=1234")
                    == ClickToCallRequest(dialect: .yealink, dial: Dial(agent: .requester, number: "1234", direction: .pbx, sequence: .back)))
            #expect(parse("http(s)://<phoneIPAddress>\(path)?number=xxx") == .failure(.numberHasInvalidCharacters))
            #expect(parse("\(path)?key=number=1234") == .failure(.unknownParameter("key")))
        }
        // Paths are exact (RFC 3986 §6.2.2.1: the path is case-sensitive).
        #expect(parse("/cgi-bin/configmanapp.com?number=1234") == .failure(.notFound))
    }

    @Test func snomCommand() throws {
        #expect(try dial("http://10.3.20.11/command.htm?number=1234")
                == ClickToCallRequest(dialect: .snom, dial: Dial(agent: .requester, number: "1234", direction: .pbx, sequence: .back)))
        #expect(parse("http(s)://<phoneIPAddress>/command.htm?number=xxx") == .failure(.numberHasInvalidCharacters))
        #expect(try dial("/command.htm?number=%2B44%20(0)20%207946%200958").dial.number == "+442079460958")
        #expect(parse("/command.htm?number=1234&key=F1") == .failure(.unknownParameter("key")))
    }

    // MARK: refusals common to the dialects

    @Test func noNumber() {
        #expect(parse("/callto") == .failure(.missingNumber(parameter: "number")))
        #expect(parse("/callto?number=") == .failure(.missingNumber(parameter: "number")))
        #expect(parse("/callto?number=%20%20") == .failure(.missingNumber(parameter: "number")))
        #expect(parse("/command.htm?number=+") == .failure(.numberNotDialable("no digits")))
    }

    @Test func lettersAndSymbols() {
        for number in ["0800CALLME", "1234x", "*21%23", "12%2C34", "%D9%A0%D9%A1%D9%A2", "1234;ext=1", "abc"] {
            #expect(parse("/callto?number=\(number)") == .failure(.numberHasInvalidCharacters), "\(number)")
        }
    }

    @Test func tooLong() throws {
        let twoHundred = String(repeating: "7", count: 200)
        for url in ["/callto?number=\(twoHundred)", "/command.htm?number=\(twoHundred)", "/servlet?key=number=\(twoHundred)",
                    "/?action=make_call&target=\(twoHundred)", "/wp_autocallstart?user=a&number=\(twoHundred)"] {
            #expect(parse(url) == .failure(.numberTooLong), "\(url.prefix(30))")
        }
        // 16 digits is one more than E.164 allows; 00 + 15 digits is fine.
        #expect(parse("/callto?number=+1234567890123456") == .failure(.numberTooLong))
        #expect(try dial("/callto?number=00123456789012345").dial.number == "+123456789012345")
    }

    @Test func unknownRepeatedAndUndecodableParameters() {
        #expect(parse("/callto?number=123&user=admin") == .failure(.unknownParameter("user")))
        #expect(parse("/callto?number=123&direction=pbx") == .failure(.unknownParameter("direction")))
        #expect(parse("/callto?number=123&number=121") == .failure(.repeatedParameter("number")))
        #expect(parse("/callto?number=12%zz") == .failure(.undecodableQuery))
        #expect(parse("/callto?number=%FF") == .failure(.undecodableQuery))
        #expect(parse("/callto?number=123&_=1700000000000").map(\.dial.number) == .success("123"))
        #expect(parse("/callto?number=123&\(String(repeating: "a", count: 5000))") == .failure(.undecodableQuery))
        // The API key parameter exists only where the dialect takes one.
        #expect(parse("/callto?number=123&key=x") == .failure(.unknownParameter("key")))
    }

    @Test func onlyGet() {
        for method in ["POST", "HEAD", "PUT", "get"] {
            #expect(parse("/callto?number=123", method: method) == .failure(.methodNotAllowed(allowed: "GET")))
        }
        #expect(parse("/callto/?number=123") == .failure(.notFound))
    }

    @Test func leadingPlusStaysAPlus() throws {
        // A hand-written link with a raw +, a form-encoded one with + for spaces, and %2B.
        #expect(try dial("/callto?number=+4930123456").dial.number == "+4930123456")
        #expect(try dial("/callto?number=+49+30+123456").dial.number == "+4930123456")
        #expect(try dial("/callto?number=030+123456").dial.number == "+4930123456")
        #expect(try dial("/callto?number=%2B4930123456").dial.number == "+4930123456")
        #expect(parse("/callto?number=030+%2B123456") == .failure(.numberNotDialable("+ may only come first")))
    }

    @Test func dialParamsForTheAgentSession() throws {
        let request = try dial("http://10.3.20.10/servlet?key=number=1234")
        let params = request.dial.params(dialect: request.dialect)
        #expect(params.number == "1234")
        #expect(params.queue == .directCall)
        #expect(params.data == ["clickToCall": .object(["dialect": .string("yealink"), "sequence": .string("back")])])
        #expect(params.idempotencyKey == nil)
    }

    @Test func dialectsAuthentication() {
        #expect(ClickToCallDialect.oktellServer.authentication == [.apiKey])
        #expect(ClickToCallDialect.mia.authentication == [.apiKey])
        #expect(ClickToCallDialect.oktellClient.authentication == [.sessionCookie, .clientAddress])
        #expect(ClickToCallDialect.yealink.authentication == [.clientAddress, .apiKey])
        #expect(ClickToCallDialect.snom.authentication == [.clientAddress, .apiKey])
        #expect(ClickToCallDialect.allCases.filter(\.takesKeyParameter) == [.oktellServer, .mia])
    }

    /// issue 18: what the gateway reads before it authenticates (`ClickToCallQuery`) does not
    /// depend on the number plan or the names in the query: a known extension, an unknown one
    /// and no number at all give the same dialect and key, and only `request(numbering:)` tells
    /// them apart. The query's own syntax is still refused first.
    @Test func theQueryIsReadWithoutTheNumberPlan() throws {
        let pairs = [("/command.htm?number=2001", "/command.htm?number=2000"),
                     ("/command.htm?number=121", "/command.htm?number=12"),
                     ("/servlet?key=number=1234", "/servlet?key=number=xxx"),
                     ("/cgiServer.exx?number=2001", "/cgiServer.exx?number=JOHN"),
                     ("/callto?number=2001", "/callto?number="),
                     ("/?action=make_call&target=123&key=k", "/?action=reboot&target=2999&key=k"),
                     ("/wp_autocallstart?user=alice&number=2001&direction=pbx", "/wp_autocallstart?user=nobody&number=2999&direction=pbx"),
                     ("/wp_autocallstart?wp=Comp082&number=2001", "/wp_autocallstart?user=a&wp=b&line=c")]
        for (known, other) in pairs {
            let (path, query) = SeedURL.split(known), (otherPath, otherQuery) = SeedURL.split(other)
            let first = try ClickToCallQuery.parse(method: "GET", path: path, query: query).get()
            let second = try ClickToCallQuery.parse(method: "GET", path: otherPath, query: otherQuery).get()
            #expect(first.dialect == second.dialect && first.apiKey == second.apiKey, "\(known) \(other)")
            #expect((try? first.request(numbering: Plans.germany).get()) != nil, "\(known)")
            #expect((try? second.request(numbering: Plans.germany).get()) == nil, "\(other)")
        }
        #expect(try ClickToCallQuery.parse(method: "GET", path: "/", query: "action=make_call&target=1&key=k").get().apiKey == "k")
        #expect(try ClickToCallQuery.parse(method: "GET", path: "/servlet", query: "key=number=1").get().apiKey == nil)
        func refusal(_ method: String, _ url: String) -> ClickToCallError? {
            let (path, query) = SeedURL.split(url)
            guard case .failure(let error) = ClickToCallQuery.parse(method: method, path: path, query: query) else { return nil }
            return error
        }
        #expect(refusal("GET", "/nowhere?number=1") == .notFound)
        #expect(refusal("POST", "/command.htm?number=2001") == .methodNotAllowed(allowed: "GET"))
        #expect(refusal("GET", "/command.htm?number=2001&colour=red") == .unknownParameter("colour"))
        #expect(refusal("GET", "/command.htm?number=1&number=2") == .repeatedParameter("number"))
        #expect(refusal("GET", "/command.htm?number=%zz") == .undecodableQuery)
    }

    @Test func seedURLSplitter() {
        #expect(SeedURL.split("http://192.168.0.16:61234?action=make_call&target=123") == ("/", "action=make_call&target=123"))
        #expect(SeedURL.split("http://[2003:a::1]:61234/x?y") == ("/x", "y"))
        #expect(SeedURL.split("http(s)://<phoneIPAddress>/servlet?key=number=xxx") == ("/servlet", "key=number=xxx"))
        #expect(SeedURL.split("https://h/p") == ("/p", nil))
    }
}
