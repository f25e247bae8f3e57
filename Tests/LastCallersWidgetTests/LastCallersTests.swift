import Testing
@testable import ClickToCall
@testable import LastCallersWidget
import TestSupport
@testable import AuthSchemes
@testable import HTTP1

/// "Letzte Anrufer" (docs/compatibility.md §5): the per-number history, the widget's request, token and JSON.
@Suite struct LastCallersTests {
    static let customer = "+420602123456"

    /// `record` outside `#expect`, which cannot call a mutating method.
    private func record(_ store: inout LastCallers, _ agent: String, _ number: String = customer, at: Int64,
                        name: String? = nil) -> Bool {
        store.record(agent: agent, displayName: name, number: number, at: at)
    }

    @Test func mostRecentFirstWithoutDuplicates() {
        var store = LastCallers(historyLength: 3, capacity: 10)
        #expect(record(&store, "alice", at: 100, name: "Alice Nováková"))
        #expect(record(&store, "bob", at: 200))
        #expect(record(&store, "carol", at: 300))
        #expect(store.lookup(number: Self.customer).map(\.agent) == ["carol", "bob", "alice"])
        // Alice calls again: she moves to the front with the new time, once.
        #expect(record(&store, "alice", at: 400, name: "Alice Nováková"))
        #expect(store.lookup(number: Self.customer) == [
            LastCaller(agent: "alice", displayName: "Alice Nováková", at: 400),
            LastCaller(agent: "carol", displayName: nil, at: 300),
            LastCaller(agent: "bob", displayName: nil, at: 200),
        ])
    }

    @Test func historyLengthN() {
        var store = LastCallers(historyLength: 2, capacity: 10)
        for (index, agent) in ["a", "b", "c", "d"].enumerated() { _ = record(&store, agent, at: Int64(index)) }
        #expect(store.lookup(number: Self.customer).map(\.agent) == ["d", "c"])
        var one = LastCallers(historyLength: 1, capacity: 10)
        _ = record(&one, "a", at: 1)
        _ = record(&one, "b", at: 2)
        #expect(one.lookup(number: Self.customer).map(\.agent) == ["b"])
    }

    @Test func numbersAreSeparate() {
        var store = LastCallers()
        _ = record(&store, "alice", "+420602000001", at: 1)
        _ = record(&store, "bob", "+420602000002", at: 2)
        #expect(store.lookup(number: "+420602000001").map(\.agent) == ["alice"])
        #expect(store.lookup(number: "+420602000002").map(\.agent) == ["bob"])
        #expect(store.lookup(number: "+420602000003").isEmpty)
        #expect(store.count == 2)
    }

    @Test func leastRecentlyRecordedNumberIsEvicted() {
        var store = LastCallers(historyLength: 3, capacity: 3)
        _ = record(&store, "a", "+420600000001", at: 1)
        _ = record(&store, "a", "+420600000002", at: 2)
        _ = record(&store, "a", "+420600000003", at: 3)
        // Recording number 1 again makes number 2 the least recent; a lookup does not refresh.
        _ = record(&store, "b", "+420600000001", at: 4)
        _ = store.lookup(number: "+420600000002")
        _ = record(&store, "a", "+420600000004", at: 5)
        #expect(store.count == 3)
        #expect(store.lookup(number: "+420600000002").isEmpty)
        #expect(store.lookup(number: "+420600000001").map(\.agent) == ["b", "a"])
        #expect(!store.lookup(number: "+420600000003").isEmpty && !store.lookup(number: "+420600000004").isEmpty)
    }

    @Test func staysBoundedUnderChurn() {
        var store = LastCallers(historyLength: 2, capacity: 100)
        var largest = 0
        // 150 numbers in turn: each is evicted (100 others recorded since) before it comes round again.
        for index in 0..<10_000 {
            _ = record(&store, "agent\(index % 7)", "+42060\(1_000_000 + index % 150)", at: Int64(index))
            largest = max(largest, store.count)
        }
        #expect(largest == 100 && store.count == 100)
        // The last 100 records were numbers 0…99 (indices 9900…9999).
        #expect(store.lookup(number: "+420601000000") == [LastCaller(agent: "agent\(9_900 % 7)", displayName: nil, at: 9_900)])
        #expect(store.lookup(number: "+420601000099").count == 1)
        #expect(store.lookup(number: "+420601000149").isEmpty)
    }

    @Test func onlyE164NumbersAndNamedAgents() {
        var store = LastCallers()
        for number in ["602123456", "+0420602123456", "+12345", "+1234567890123456", "2001", "", "+42060212345x"] {
            #expect(!record(&store, "alice", number, at: 1), "\(number)")
        }
        #expect(!record(&store, "", at: 1))
        #expect(store.count == 0)
        #expect(record(&store, "alice", "+6834002", at: 1))
    }

    // MARK: the widget

    @Test func replyJSON() {
        let reply = LastCallersReply(number: Self.customer, callers: [
            LastCaller(agent: "alice", displayName: "Alice Nováková", at: 1_700_000_000),
            LastCaller(agent: "bob", displayName: nil, at: 1_699_000_000),
        ])
        #expect(String(decoding: reply.encoded(), as: UTF8.self)
                == #"{"number":"+420602123456","callers":[{"agent":"alice","name":"Alice Nováková","at":1700000000},{"agent":"bob","name":null,"at":1699000000}]}"#)
        #expect(String(decoding: LastCallersReply(number: nil, callers: []).encoded(), as: UTF8.self) == #"{"number":null,"callers":[]}"#)
        // Names are escaped.
        let odd = LastCallersReply(number: Self.customer, callers: [LastCaller(agent: "x\"</script>", displayName: "\u{2028}", at: 0)])
        #expect(String(decoding: odd.encoded(), as: UTF8.self).contains(#""agent":"x\"</script>","name":"\u2028""#))
        // The same objects for the ringing Call's data, parsed back by the agent-protocol reader.
        let value = LastCallersReply.jsonValue(reply.callers)
        #expect(String(decoding: value.encoded(), as: UTF8.self)
                == #"[{"agent":"alice","at":1700000000,"name":"Alice Nováková"},{"agent":"bob","at":1699000000,"name":null}]"#)
    }

    @Test func widgetRequest() throws {
        func parse(_ query: String?) -> Result<LastCallersRequest, ClickToCallError> {
            LastCallersRequest.parse(query: query, numbering: Plans.czechia)
        }
        #expect(try parse("vcallerid=%2B420602123456&token=t").get()
                == LastCallersRequest(callerID: "+420602123456", number: "+420602123456", token: "t", format: .html))
        #expect(try parse("vcallerid=+420602123456&token=t&format=json").get().number == "+420602123456")
        #expect(try parse("vcallerid=602+123+456&token=t").get().number == "+420602123456")
        #expect(try parse("vcallerid=00420602123456&token=t&_=9").get().number == "+420602123456")
        // Not an external number: nobody to show, not an error.
        for callerID in ["2001", "anonymous", "", "$(callerId)"] {
            #expect(try parse("vcallerid=\(callerID)&token=t").get().number == nil, "\(callerID)")
        }
        #expect(parse("token=t") == .failure(.missingNumber(parameter: "vcallerid")))
        #expect(parse("vcallerid=602123456") == .failure(.unauthorized(.missingCredential)))
        #expect(parse("vcallerid=602123456&token=") == .failure(.unauthorized(.missingCredential)))
        #expect(parse("vcallerid=602123456&token=t&format=xml") == .failure(.invalidParameter(name: "format", expected: "html or json")))
        #expect(parse("vcallerid=1&vcallerid=2&token=t") == .failure(.repeatedParameter("vcallerid")))
        // The original widget URL (docs/compatibility.md §5.4) carries a STARFACE request URL in sfrequrl; Callgate's takes token.
        let seed = SeedURL.split("http(s)://[STARFACE]/downloads/f486/index.html?vcallerid=$(callerId)&sfrequrl=[Token vom Tokengenerator]")
        #expect(parse(seed.query) == .failure(.unknownParameter("sfrequrl")))
    }

    @Test func widgetToken() throws {
        let signer = SessionTokenSigner(key: Array(repeating: 9, count: 32))!
        let now: Int64 = 1_700_000_000
        let token = WidgetToken.issue(signer: signer, user: "alice", now: now)
        let claims = try WidgetToken.verify(signer: signer, token: token, now: now + 10).get()
        #expect(claims == SessionClaims(user: "alice", provider: "tokengen", scope: "lastcaller", issued: now,
                                        expires: now + WidgetToken.defaultLifetimeSeconds))
        #expect(WidgetToken.verify(signer: signer, token: token, now: now + WidgetToken.defaultLifetimeSeconds) == .failure(.expired))
        // A session token for a channel is not a widget token, nor the reverse.
        let channel = signer.issue(SessionClaims(user: "alice", provider: "", scope: "report", issued: now, expires: now + 60))
        #expect(WidgetToken.verify(signer: signer, token: channel, now: now) == .failure(.wrongScope))
        #expect(signer.verify(token, scope: "report", now: now) == .failure(.wrongScope))
        // Another key (the widget key rotated) refuses it.
        let rotated = SessionTokenSigner(key: Array(repeating: 8, count: 32))!
        #expect(WidgetToken.verify(signer: rotated, token: token, now: now) == .failure(.badSignature))
        // Lifetimes are clamped.
        let long = WidgetToken.issue(signer: signer, user: "alice", now: now, lifetimeSeconds: 10 * 365 * 86_400)
        #expect(try WidgetToken.verify(signer: signer, token: long, now: now).get().expires == now + WidgetToken.maxLifetimeSeconds)
        let short = WidgetToken.issue(signer: signer, user: "alice", now: now, lifetimeSeconds: -5)
        #expect(WidgetToken.verify(signer: signer, token: short, now: now + 1) == .failure(.expired))
        // The token survives the widget URL: it is base64url and dots.
        #expect(token.utf8.allSatisfy(QueryString.isUnreserved))
    }

    @Test func widgetTokenFromPython() throws {
        // The independent minter of the session-token tests, with the widget's scope.
        let key = Array(0..<32 as Range<UInt8>)
        let signer = SessionTokenSigner(key: key)!
        let claims = SessionClaims(user: "alice", provider: "tokengen", scope: "lastcaller", issued: 1_700_000_000, expires: 1_707_776_000)
        let minted = try ExternalTool.pythonSessionToken(key: key, claims)
        #expect(minted == WidgetToken.issue(signer: signer, user: "alice", now: 1_700_000_000))
        #expect(WidgetToken.verify(signer: signer, token: minted, now: 1_700_000_001) == .success(claims))
    }

    /// The element a shared engine keeps per agent: the widget's object, read back; anything else
    /// (not JSON, another shape, no agent, a fractional time) is not a caller.
    @Test func aStoredCallerIsTheWidgetsObjectAndReadsBack() {
        let caller = LastCaller(agent: "alice", displayName: "Alena \"Nováková\"", at: 1_700_000_000)
        #expect(String(decoding: caller.stored, as: UTF8.self) == #"{"agent":"alice","name":"Alena \"Nováková\"","at":1700000000}"#)
        #expect(LastCaller(stored: caller.stored) == caller)
        let nameless = LastCaller(agent: "bob", displayName: nil, at: 5)
        #expect(String(decoding: nameless.stored, as: UTF8.self) == #"{"agent":"bob","name":null,"at":5}"#)
        #expect(LastCaller(stored: nameless.stored) == nameless)
        #expect(LastCallersReply(number: Self.customer, callers: [caller, nameless]).encoded()
            == Array(#"{"number":"+420602123456","callers":["#.utf8) + caller.stored + Array(",".utf8) + nameless.stored + Array("]}".utf8))
        for bad in ["", "x", "[]", #"{"agent":"","at":1}"#, #"{"agent":"a"}"#, #"{"agent":"a","at":1.5}"#,
                    #"{"agent":"a","at":1,"name":7}"#, #"{"agent":7,"at":1}"#] {
            #expect(LastCaller(stored: Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
