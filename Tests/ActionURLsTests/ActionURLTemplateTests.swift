import Testing
@testable import ActionURLs
@testable import AgentProtocol
@testable import HTTP1

/// Action URLs out (docs/compatibility.md §4.3): templates with `<$placeholder>`s, refused at configuration time
/// when unsafe, and rendered with every value percent-encoded.
@Suite struct ActionURLTemplateTests {
    /// The wiki's example (docs/compatibility.md §4.4, "Ausgabebeispiel"), verbatim (including its missing `&` before `calldirectionINT`).
    static let seedExample = "https://example.com/call.php?action=<$action>&calldirection=<$call_direction>calldirectionINT=<$call_direction_as_int>&localparty=<$local_party>&localalias=<$local_alias>&holdstate=<$hold_state>&callduration=<$call_duration_seconds>&createdtime=<$call_created_time>&connectedtime=<$call_connected_time>&disconnectedtime=<$call_disconnected_time>&callguid=<$call_guid>&remoteparty=<$remote_party>&remotedisplayname=<$remote_alias>"

    static let values = ActionURLValues(
        action: .disconnected, direction: .incoming, localParty: "987@example.com", localAlias: "987@example.com",
        holdState: .offHold, durationSeconds: 7, created: 1_553_510_062, connected: 1_553_510_067,
        disconnected: 1_553_510_074, callGuid: "1399c8c8-cf9e-3ebe-764f-d12b1f7bea35", remoteParty: "+4930123456",
        remoteAlias: "Max Mustermann", utcOffsetSeconds: 0)

    private func template(_ text: String) throws -> ActionURLTemplate { try ActionURLTemplate.parse(text).get() }

    private func render(_ text: String, alias: String) throws -> ActionURLRequest {
        var values = Self.values
        values.remoteAlias = alias
        return try template(text).render(values).get()
    }

    // MARK: the wiki

    @Test func seedExampleParsesWithEveryPlaceholder() throws {
        let parsed = try template(Self.seedExample)
        #expect(parsed.isTLS && parsed.host == "example.com" && parsed.port == 443)
        #expect(parsed.placeholders == ActionURLPlaceholder.allCases)
    }

    @Test func seedExampleRenders() throws {
        let request = try template(Self.seedExample).render(Self.values).get()
        #expect(request.target == "/call.php?action=disconnected&calldirection=inboundcalldirectionINT=0"
                + "&localparty=987%40example.com&localalias=987%40example.com&holdstate=off_hold&callduration=7"
                + "&createdtime=2019-03-25T10-34-22&connectedtime=2019-03-25T10-34-27&disconnectedtime=2019-03-25T10-34-34"
                + "&callguid=1399c8c8-cf9e-3ebe-764f-d12b1f7bea35&remoteparty=%2B4930123456&remotedisplayname=Max%20Mustermann")
        #expect(request.hostHeader == "example.com")
        #expect(request.url == "https://example.com" + request.target)
    }

    // MARK: injection

    @Test func injectionAttemptsStayInsideTheirParameter() throws {
        let text = "https://crm.example/hook?who=<$remote_alias>&id=<$call_guid>"
        let attempts: [(String, String)] = [
            ("x\r\nSet-Cookie: a=b", "x%0D%0ASet-Cookie%3A%20a%3Db"),
            ("a&b=c", "a%26b%3Dc"),
            ("../", "..%2F"),
            ("two words", "two%20words"),
            ("Jiří", "Ji%C5%99%C3%AD"),
            ("x#frag?y=1/z", "x%23frag%3Fy%3D1%2Fz"),
            ("100%", "100%25"),
            ("<$call_guid>", "%3C%24call_guid%3E"),
            ("\u{0}\u{7F}\"'<>\\^`{|}", "%00%7F%22%27%3C%3E%5C%5E%60%7B%7C%7D"),
        ]
        for (alias, encoded) in attempts {
            let request = try render(text, alias: alias)
            #expect(request.target == "/hook?who=\(encoded)&id=1399c8c8-cf9e-3ebe-764f-d12b1f7bea35", "\(alias)")
            // Nothing that could end the request line or a header, or add a parameter.
            #expect(!request.target.utf8.contains { $0 <= 0x20 || $0 >= 0x7F })
            let query = QueryString(String(request.target.split(separator: "?", maxSplits: 1)[1]))
            #expect(query.pairs.count == 2)
            #expect(query.value(named: "who") == alias)
            #expect(request.host == "crm.example" && request.hostHeader == "crm.example")
        }
    }

    @Test func valuesInThePathCannotClimbIt() throws {
        let text = "https://crm.example/calls/<$remote_alias>/log"
        #expect(try render(text, alias: "Max Mustermann").target == "/calls/Max%20Mustermann/log")
        #expect(try render(text, alias: "x..").target == "/calls/x../log")
        #expect(try render(text, alias: "...").target == "/calls/.../log")
        for alias in ["..", ".", "../", "..\\", "a/../b", "%2e%2e"] {
            var values = Self.values
            values.remoteAlias = alias
            let result = try template(text).render(values)
            if alias == "%2e%2e" {
                // Escaped once more by the encoding: %252e%252e decodes to "%2e%2e", not "..".
                #expect((try? result.get())?.target == "/calls/%252e%252e/log")
            } else {
                #expect(result == .failure(.renderedDotSegment), "\(alias)")
            }
        }
        // In the query the same values are harmless.
        #expect(try render("https://crm.example/calls?x=<$remote_alias>", alias: "..").target == "/calls?x=..")
    }

    @Test func renderedLengthIsBounded() throws {
        let text = "https://crm.example/h?" + Array(repeating: "a=<$remote_alias>", count: 20).joined(separator: "&")
        let long = String(repeating: "é", count: 256)    // 1,536 bytes encoded, ×20
        var values = Self.values
        values.remoteAlias = long
        #expect(try template(text).render(values) == .failure(.renderedTooLong))
    }

    // MARK: configuration errors

    @Test func placeholdersAreChecked() {
        #expect(ActionURLTemplate.parse("https://crm/x?a=<$foo>") == .failure(.unknownPlaceholder("foo")))
        #expect(ActionURLTemplate.parse("https://crm/x?a=<$Remote_Party>") == .failure(.unknownPlaceholder("Remote_Party")))
        #expect(ActionURLTemplate.parse("https://crm/x?a=<$>") == .failure(.unknownPlaceholder("")))
        #expect(ActionURLTemplate.parse("https://crm/x?a=<$remote_party") == .failure(.unterminatedPlaceholder))
        #expect(ActionURLTemplate.parse("https://crm/x?a=<remote_party>") == .failure(.invalidCharacter("<", offset: 16)))
        #expect(ActionURLTemplate.parse("https://crm/x?a=$remote_party>") == .failure(.invalidCharacter(">", offset: 29)))
        #expect(ActionURLTemplateError.unknownPlaceholder("foo").description.hasPrefix("unknown placeholder <$foo>; known: action, call_direction"))
    }

    @Test func placeholdersNeverChooseTheDestination() {
        #expect(ActionURLTemplate.parse("https://<$remote_party>.crm.example/x") == .failure(.placeholderInAuthority("remote_party")))
        #expect(ActionURLTemplate.parse("https://crm.example:<$call_duration_seconds>/x") == .failure(.placeholderInAuthority("call_duration_seconds")))
        #expect(ActionURLTemplate.parse("http<$action>://crm.example/x") == .failure(.placeholderInAuthority("action")))
        #expect(ActionURLTemplate.parse("<$action>") == .failure(.unsupportedScheme("")))
    }

    @Test func schemesHostsAndPorts() throws {
        #expect(ActionURLTemplate.parse("") == .failure(.empty))
        #expect(ActionURLTemplate.parse("ftp://crm.example/x") == .failure(.unsupportedScheme("ftp")))
        #expect(ActionURLTemplate.parse("javascript:alert(1)") == .failure(.unsupportedScheme("")))
        #expect(ActionURLTemplate.parse("https://user:pw@crm.example/x") == .failure(.userinfoNotAllowed))
        #expect(ActionURLTemplate.parse("http:///x") == .failure(.missingHost))
        #expect(ActionURLTemplate.parse("http://:8080/x") == .failure(.missingHost))
        #expect(ActionURLTemplate.parse("http://exa mple.com/x") == .failure(.invalidHost("exa mple.com")))
        #expect(ActionURLTemplate.parse("http://crm..example/x") == .failure(.invalidHost("crm..example")))
        #expect(ActionURLTemplate.parse("http://[zz]/x") == .failure(.invalidHost("zz")))
        #expect(ActionURLTemplate.parse("http://[::1/x") == .failure(.invalidHost("[::1")))
        #expect(ActionURLTemplate.parse("http://crm:0/x") == .failure(.invalidPort("0")))
        #expect(ActionURLTemplate.parse("http://crm:65536/x") == .failure(.invalidPort("65536")))
        #expect(ActionURLTemplate.parse("http://crm:/x") == .failure(.invalidPort("")))
        #expect(ActionURLTemplate.parse("http://crm:80a/x") == .failure(.invalidPort("80a")))

        let upper = try template("HTTPS://CRM.Example:8443/Hook")
        #expect(upper.isTLS && upper.host == "crm.example" && upper.port == 8443)
        let bare = try template("http://crm.example").render(Self.values).get()
        #expect(bare == ActionURLRequest(isTLS: false, host: "crm.example", port: 80, target: "/"))
        #expect(bare.hostHeader == "crm.example" && bare.url == "http://crm.example/")
        let queryOnly = try template("http://crm.example?a=<$action>").render(Self.values).get()
        #expect(queryOnly.target == "/?a=disconnected")
        let v6 = try template("http://[2001:DB8::1]:8080/hook?a=<$action>").render(Self.values).get()
        #expect(v6.host == "2001:db8::1" && v6.port == 8080 && v6.hostHeader == "[2001:db8::1]:8080")
        #expect(v6.url == "http://[2001:db8::1]:8080/hook?a=disconnected")
        let v4 = try template("https://192.0.2.7:443/h").render(Self.values).get()
        #expect(v4.hostHeader == "192.0.2.7")
    }

    @Test func literalCharacters() throws {
        #expect(ActionURLTemplate.parse("https://crm/a b") == .failure(.invalidCharacter(" ", offset: 13)))
        #expect(ActionURLTemplate.parse("https://crm/ä") == .failure(.invalidCharacter("ä", offset: 12)))
        #expect(ActionURLTemplate.parse("https://crm/a\r\nX: y") == .failure(.invalidCharacter("\r", offset: 13)))
        #expect(ActionURLTemplate.parse("https://crm/a\"b") == .failure(.invalidCharacter("\"", offset: 13)))
        #expect(ActionURLTemplate.parse("https://crm/x#frag") == .failure(.fragmentNotAllowed))
        #expect(ActionURLTemplate.parse("https://crm/x?a=%zz") == .failure(.invalidPercentEscape(offset: 16)))
        #expect(ActionURLTemplate.parse("https://crm/x?a=%4") == .failure(.invalidPercentEscape(offset: 16)))
        #expect(ActionURLTemplate.parse("https://crm/a/../b") == .failure(.dotSegment))
        #expect(ActionURLTemplate.parse("https://crm/a/%2E%2e/b") == .failure(.dotSegment))
        #expect(ActionURLTemplate.parse("https://crm/./b") == .failure(.dotSegment))
        #expect(ActionURLTemplate.parse("https://crm/" + String(repeating: "a", count: 2_048)) == .failure(.tooLong))
        // Everything RFC 3986 allows as written stays as written.
        let allowed = try template("https://crm/a-._~!$&'()*+,;=:@/b%20?q=/?:@!$'()*+,;&r=%C5%99")
        #expect(try allowed.render(Self.values).get().target == "/a-._~!$&'()*+,;=:@/b%20?q=/?:@!$'()*+,;&r=%C5%99")
    }

    // MARK: the values

    @Test func valuesFromAgentEvents() {
        var call = Call(uniqueid: "u-1", call_guid: "g-1", id: 1, direction: .incoming, state: .ringing, number: "+4930123456",
                        caller_number: "+4930123456", called_number: "2001", created: 1_000, now: 1_001, caller_type: .trunk)
        call.caller_name = "Max"
        func values(_ event: AgentEvent, now: Int64 = 1_010) -> ActionURLValues? {
            ActionURLValues(event: event, localParty: "alice@pbx.example", localAlias: "Alice", now: now, utcOffsetSeconds: 0)
        }
        #expect(values(.callNew(call)) == nil)
        let ringing = values(.callRinging(call))
        #expect(ringing?.action == .inbound && ringing?.remoteAlias == "Max" && ringing?.durationSeconds == 0)
        #expect(ringing?.text(.call_direction) == "inbound" && ringing?.text(.call_direction_as_int) == "0")
        #expect(ringing?.text(.call_connected_time) == "" && ringing?.text(.call_created_time) == "1970-01-01T00-16-40")
        // `<$call_guid>` is the Call's GUID, not its uniqueid.
        #expect(ringing?.text(.call_guid) == "g-1")

        call.state = .connected
        call.connected = 1_005
        #expect(values(.callConnect(call))?.action == .connected)
        #expect(values(.callConnect(call))?.durationSeconds == 5)
        let held = values(.callHold(call))
        #expect(held?.action == .hold && held?.text(.hold_state) == "on_hold")
        let resumed = values(.callResume(call))
        #expect(resumed?.action == .hold && resumed?.text(.hold_state) == "off_hold")
        call.state = .hangup
        call.disconnected = 1_065
        let ended = values(.callHangup(call), now: 2_000)
        #expect(ended?.action == .disconnected && ended?.durationSeconds == 60)
        #expect(ended?.text(.call_disconnected_time) == "1970-01-01T00-17-45")
        #expect(values(.callMute(call)) == nil)
        #expect(values(.stateChange(status: .ready, reason: nil)) == nil)

        var outgoing = Call(uniqueid: "u-2", call_guid: "g-2", id: 2, direction: .outgoing, state: .connecting, number: "+4930999",
                            caller_number: "2001", called_number: "+4930999", created: 1_000, now: 1_000)
        outgoing.called_name = "Shop"
        let dialled = values(.callNew(outgoing))
        #expect(dialled?.action == .outbound && dialled?.remoteAlias == "Shop" && dialled?.text(.call_direction_as_int) == "1")
        outgoing.state = .ringing
        #expect(values(.callRinging(outgoing)) == nil)
        #expect(ActionURLValues(event: .callNew(outgoing), localParty: "2001@pbx", localAlias: nil, now: 0, utcOffsetSeconds: 0)?.localAlias == "2001@pbx")
    }

    /// A phone's Action URL relayed to a CRM with the device template comes back as the same event.
    @Test func relayedDeviceEventRoundTrips() throws {
        let incoming = try ActionURLEvent.parse(query: ActionURLEventTests.query(
            action: "hold", hold: "on_hold", duration: "3", connected: "2019-03-25T10-34-27"), utcOffsetSeconds: 3_600).get()
        let relay = try template("https://crm.example/action?" + ActionURLEvent.deviceQueryTemplate)
        let request = try relay.render(ActionURLValues(incoming, utcOffsetSeconds: 3_600)).get()
        let query = String(request.target.split(separator: "?", maxSplits: 1)[1])
        var back = try ActionURLEvent.parse(query: query, utcOffsetSeconds: 3_600).get()
        #expect(back.disconnected == nil)
        back.apiKey = incoming.apiKey
        #expect(back == incoming)
    }
}
