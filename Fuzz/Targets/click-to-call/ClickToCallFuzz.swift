// fuzz-options: -max_len=2048
import FuzzSupport
import ClickToCall
import LastCallersWidget
import HTTP1
import WSFraming

/// The click-to-call HTTP dialects (docs/click-to-call.md: Oktell, Mia, Yealink, SNOM), the Vodia
/// popup link with its signed credentials, the last-callers widget's query and its token page's,
/// and the number plan behind them. Input: a byte (bit 0: the number plan, `NumberPlan.fuzzed`;
/// bit 1: method POST instead of GET), the request target (`/path?query`, visible ASCII), a line
/// read as a number, a line used as a Vodia user name.
///
/// Properties:
/// - an accepted click-to-call request is a GET in the dialect its path names; its number is an
///   extension the plan knows or E.164, and classifying it again gives the same; every reply
///   (success and refusal) has the status of its outcome, header values that are valid, and for
///   the JSON dialect a body Callgate's parser accepts with that number or error code;
/// - a Vodia link parses to the number its destination classifies to; a link signed for the
///   input's user and destination (`VodiaLinkVerifier.query`) parses back to the same destination
///   and verifies with the secret at its time, and not with another secret;
/// - the last-callers and token-page queries give a token and a number or days in range;
/// - any number the plan accepts is an extension or E.164, stable under classifying again.
@main enum ClickToCallFuzz {
    static func main() { Fuzzer.run(test) }

    static let secret = Array("link-secret".utf8)

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let flags = input.byte()
        let plan = NumberPlan.fuzzed(flags)
        let head = HTTPRequestHead(method: "GET", target: input.requestTarget())
        let number = input.text()
        let user = input.text()

        if case .success(let classified) = plan.classify(number) { plan.requireClassified(classified, "a number") }
        clickToCall(method: flags & 2 == 0 ? "GET" : "POST", head, plan)
        vodia(head.query, plan, user: user)
        if case .success(let request) = LastCallersRequest.parse(query: head.query, numbering: plan) {
            require(!request.token.isEmpty, "a last-callers request without a token")
            if let e164 = request.number { plan.requireClassified(.external(e164), "the caller's number") }
        }
        if case .success(let request) = WidgetTokenRequest.parse(query: head.query) {
            require(request.days.map { (1...WidgetTokenRequest.maxDays).contains($0) } ?? true, "days \(String(describing: request.days))")
        }
    }

    static func clickToCall(method: String, _ head: HTTPRequestHead, _ plan: NumberPlan) {
        let dialect = ClickToCallDialect(path: head.path, query: head.query)
        let reply: ClickToCallReply
        switch ClickToCallRequest.parse(method: method, path: head.path, query: head.query, numbering: plan) {
        case .success(let request):
            requireEqual(request.dialect, dialect, "dialect")
            requireEqual(method, "GET", "method of a placed call")
            let number: DialNumber = request.dial.direction == .pbx ? .internalExtension(request.dial.number) : .external(request.dial.number)
            plan.requireClassified(number, "a click-to-call number")
            reply = ClickToCallReply.success(request, uniqueid: "1700000000.1")
            requireEqual(reply.status, 200, "status")
            if request.dialect.repliesInJSON {
                guard case .object(let members) = requireAcceptedJSON(reply.body, "a JSON reply") else { return }
                requireEqual(members["number"], .string(request.dial.number), "number in the reply")
            }
        case .failure(let error):
            require(dialect != nil || error == .notFound, "a refusal \(error) outside the dialects")
            reply = ClickToCallReply.failure(error, dialect: dialect)
            requireEqual(reply.status, error.status, "status")
            if dialect?.repliesInJSON == true {
                guard case .object(let members) = requireAcceptedJSON(reply.body, "a JSON refusal"),
                      case .object(let body)? = members["error"] else { return require(false, "a JSON refusal without error") }
                requireEqual(body["code"], .string(error.code), "error code")
            }
        }
        for field in reply.headers {
            require(HTTPHeaders.isValidName(field.name) && HTTPHeaders.isValidValue(field.value), "header \(field.name): \(field.value)")
        }
    }

    static func vodia(_ query: String?, _ plan: NumberPlan, user: String) {
        let verifier = VodiaLinkVerifier()
        guard case .success(let link) = VodiaLink.parse(query: query) else { return }

        let time: Int64 = 1_700_000_000
        let name = user.isEmpty ? "alice" : String(user.prefix(200))
        let signed = VodiaLinkVerifier.query(destination: link.destination, user: name, secret: secret, time: time,
                                             duration: 60, lang: link.lang)
        guard case .success(let again) = VodiaLink.parse(query: signed) else {
            return require(false, "a signed link refused: \(signed)")
        }
        requireEqual(again.destination, link.destination, "destination of the signed link")
        requireEqual(again.lang, link.lang, "lang of the signed link")
        switch verifier.verify(again, secret: secret, now: time + 30) {
        case .success(let verified):
            requireEqual(verified.destination, link.destination, "verified destination")
            requireEqual(verified.user, name, "verified user")
            // The number is read only once the credentials are good: the destination as the plan classifies it.
            let number = verified.number(numbering: plan)
            requireEqual(number, plan.classify(link.destination), "the link's number")
            if case .success(let classified) = number { plan.requireClassified(classified, "a Vodia number") }
        case .failure(let error):
            require(name.utf8.count > 256, "a signed link refused: \(error)")
        }
        if case .success = verifier.verify(again, secret: Array("another".utf8), now: time + 30) {
            require(false, "a link verified with another secret")
        }
        if case .success = verifier.verify(link, secret: secret, now: time + 30), let credentials = link.credentials {
            requireEqual(VodiaLinkVerifier.pass(user: credentials.user, secret: secret, destination: link.destination,
                                                time: Int64(credentials.time)!, duration: Int64(credentials.duration)!),
                         credentials.pass.lowercased(), "a verified pass")
        }
    }
}
