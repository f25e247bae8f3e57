import Testing
@testable import ClickToCall

/// Replies in each dialect's style, the status of every error, and the dedup key.
@Suite struct ClickToCallReplyTests {
    private let oktell = ClickToCallRequest(dialect: .oktellServer,
                                            dial: Dial(agent: .user("admin"), number: "+74952294989", direction: .city, sequence: .back))
    private let yealink = ClickToCallRequest(dialect: .yealink,
                                             dial: Dial(agent: .requester, number: "1234", direction: .pbx, sequence: .back))

    private func text(_ reply: ClickToCallReply) -> String { String(decoding: reply.body, as: UTF8.self) }

    @Test func successInJSONForTheServerDialect() {
        let reply = ClickToCallReply.success(oktell, uniqueid: "c-17")
        #expect(reply.status == 200)
        #expect(reply.contentType == "application/json")
        #expect(text(reply) == #"{"result":"ok","number":"+74952294989","direction":"city","sequence":"back","uniqueid":"c-17"}"#)
        #expect(text(.success(oktell)).hasSuffix(#""uniqueid":null}"#))
        #expect(reply.headers == [.init("Cache-Control", "no-store"), .init("X-Content-Type-Options", "nosniff")])
        #expect(reply.headerPairs.map(\.0) == ["Cache-Control", "X-Content-Type-Options"])
    }

    @Test func successInTextForTheOthers() {
        for dialect in [ClickToCallDialect.oktellClient, .mia, .yealink, .snom] {
            let reply = ClickToCallReply.success(ClickToCallRequest(dialect: dialect, dial: yealink.dial))
            #expect(reply.status == 200)
            #expect(reply.contentType == "text/plain; charset=utf-8")
            #expect(text(reply) == "OK 1234\n")
        }
    }

    @Test func failures() {
        let json = ClickToCallReply.failure(.numberTooLong, dialect: .oktellServer)
        #expect(json.status == 400)
        #expect(text(json) == #"{"error":{"code":"numberTooLong","text":"the number is too long (E.164 allows at most 15 digits)"}}"#)
        let plain = ClickToCallReply.failure(.numberHasInvalidCharacters, dialect: .snom)
        #expect(text(plain) == "ERROR invalidNumber the number may contain only digits, a leading +, spaces and - . / ( )\n")
        #expect(ClickToCallReply.failure(.notFound, dialect: nil).contentType == "text/plain; charset=utf-8")
        let method = ClickToCallReply.failure(.methodNotAllowed(allowed: "GET"), dialect: .mia)
        #expect(method.status == 405)
        #expect(method.headers.contains(.init("Allow", "GET")))
        let auth = ClickToCallReply.failure(.unauthorized(.badSignature), dialect: .oktellServer)
        #expect(auth.status == 401)
        #expect(auth.headers.contains(.init("WWW-Authenticate", #"Bearer realm="callgate""#)))
        #expect(text(auth) == #"{"error":{"code":"unauthorized","text":"invalid credential"}}"#)
    }

    @Test func statusesAndCodes() {
        let cases: [(ClickToCallError, Int, String)] = [
            (.notFound, 404, "notFound"), (.methodNotAllowed(allowed: "GET"), 405, "methodNotAllowed"),
            (.missingNumber(parameter: "number"), 400, "missingNumber"), (.numberTooLong, 400, "numberTooLong"),
            (.numberHasInvalidCharacters, 400, "invalidNumber"), (.numberNotDialable("x"), 400, "invalidNumber"),
            (.unknownExtension, 400, "unknownExtension"), (.unknownParameter("x"), 400, "unknownParameter"),
            (.repeatedParameter("x"), 400, "repeatedParameter"), (.invalidParameter(name: "a", expected: "b"), 400, "invalidParameter"),
            (.undecodableQuery, 400, "undecodableQuery"), (.missingAgent, 400, "missingAgent"),
            (.conflictingAgents(["user", "wp"]), 400, "conflictingAgents"), (.unsupportedCommand("key=OK"), 400, "unsupportedCommand"),
            (.unauthorized(.missingCredential), 401, "unauthorized"), (.forbidden, 403, "forbidden"),
            (.unknownAgent, 404, "unknownAgent"), (.agentUnavailable("signed out"), 409, "agentUnavailable"),
            (.backendFailed("busy"), 502, "backendFailed"),
        ]
        for (error, status, code) in cases {
            #expect(error.status == status, "\(error)")
            #expect(error.code == code, "\(error)")
            #expect(!error.reason.isEmpty && !error.reason.contains("\n"))
        }
    }

    @Test func echoedNamesAreShortAndClean() {
        let reply = ClickToCallReply.failure(.unknownParameter("a\r\nSet-Cookie: x=" + String(repeating: "y", count: 100)), dialect: .snom)
        let body = text(reply)
        #expect(!body.dropLast().contains("\n") && !body.contains("\r"))
        #expect(body.count < 120)
    }

    @Test func dedupKeyIsTheResolvedAgentAndTheNumber() {
        let a = DialDedupKey(user: "alice", dial: Dial(agent: .requester, number: "+420602123456", direction: .city, sequence: .back))
        let b = DialDedupKey(user: "alice", dial: Dial(agent: .user("alice"), number: "+420602123456", direction: .city, sequence: .direct))
        let c = DialDedupKey(user: "bob", dial: Dial(agent: .requester, number: "+420602123456", direction: .city, sequence: .back))
        #expect(a == b)
        #expect(a != c)
        #expect(a.key == "c2c:+420602123456")
    }
}
