import Testing
@testable import ClickToCall
@testable import LastCallersWidget

/// The token page's query, its JSON answer and the widget's refusals.
@Suite struct WidgetTokenRequestTests {
    @Test func days() {
        #expect(WidgetTokenRequest.parse(query: nil) == .success(WidgetTokenRequest(days: nil)))
        #expect(WidgetTokenRequest.parse(query: "days=90") == .success(WidgetTokenRequest(days: 90)))
        #expect(WidgetTokenRequest.parse(query: "days=1&_=17000") == .success(WidgetTokenRequest(days: 1)))
        #expect(WidgetTokenRequest.parse(query: "days=366") == .success(WidgetTokenRequest(days: 366)))
        #expect(WidgetTokenRequest.maxDays == 366)
        let invalid = ClickToCallError.invalidParameter(name: "days", expected: "a whole number of days from 1 to 366")
        for bad in ["0", "367", "-1", "+5", "090", "1.5", "", "1e2", "9999", "٣"] {
            #expect(WidgetTokenRequest.parse(query: "days=" + bad) == .failure(invalid), "days=\(bad)")
        }
        #expect(WidgetTokenRequest.parse(query: "days=5&days=6") == .failure(.repeatedParameter("days")))
        #expect(WidgetTokenRequest.parse(query: "user=alice&password=x") == .failure(.unknownParameter("user")))
        #expect(WidgetTokenRequest.parse(query: "days=%ZZ") == .failure(.undecodableQuery))
    }

    @Test func lifetime() {
        #expect(WidgetTokenRequest(days: 2).lifetimeSeconds(default: 60) == 172_800)
        #expect(WidgetTokenRequest(days: nil).lifetimeSeconds(default: 7_776_000) == 7_776_000)
    }

    @Test func replyJSON() {
        let reply = WidgetTokenReply(token: "v1.abc.def", expires: 1_700_000_000, user: "jiří \"j\"")
        #expect(String(decoding: reply.encoded(), as: UTF8.self)
                == #"{"token":"v1.abc.def","expires":1700000000,"user":"jiří \"j\""}"#)
    }

    @Test func errors() {
        #expect(String(decoding: WidgetError.unauthorized(.expired).json, as: UTF8.self)
                == #"{"error":{"code":"unauthorized","text":"credential expired"}}"#)
        #expect(WidgetError.unauthorized(.badPassword).status == 401)
        #expect(WidgetError.tooManyAttempts.status == 429)
        #expect(WidgetError.accountDisabled.status == 403)
        #expect(WidgetError.methodNotAllowed("GET") == WidgetError(status: 405, code: "methodNotAllowed", text: "method not allowed; use GET"))
        #expect(WidgetError(.missingNumber(parameter: "vcallerid"))
                == WidgetError(status: 400, code: "missingNumber", text: "vcallerid is required: the caller's number"))
        #expect(WidgetError(.unknownParameter("x")) == WidgetError(status: 400, code: "unknownParameter", text: "unknown parameter x"))
    }
}
