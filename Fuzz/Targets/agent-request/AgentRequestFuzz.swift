// fuzz-options: -max_len=4096
import FuzzSupport
import Routes
import AgentProtocol
import MuxEnvelope
import JSON

/// Agent requests (docs/agent-protocol.md) as the agent bar sends them on `/ws` and `report`:
/// `AgentRequest.parse`, the request id it echoes, and every reply the gateway builds for it.
/// Input: the text message.
///
/// Properties:
/// - the id `RequestIDScanner` reads is JSON the parser accepts, and in a valid object it is the
///   value the parser reads under `"id"`;
/// - a refused request's error carries exactly that id; its reply (`AgentReply.error`) is JSON
///   Callgate accepts, carries the id (or none), and has an `error` object with a string `code`
///   and `text` (and `param` for `invalidParams`, `state` for `wrongState`);
/// - an accepted request has that id and the method the document names; its replies (`ok`,
///   `result`, `loggedIn`, `attached`, a `wrongState` refusal in each state, the gateway's own
///   `upstreamUnavailable`) are JSON Callgate accepts and carry the id;
/// - a message one byte over the size limit is `tooLarge`, with the same id.
@main enum AgentRequestFuzz {
    static func main() { Fuzzer.run(test) }

    static func test(_ data: UnsafeRawBufferPointer) {
        let id = RequestIDScanner.requestID(in: data)
        let document = try? JSONValue(parsing: data)
        if let id {
            let literal = requireAcceptedJSON(Array(id.json.utf8), "the scanned id")
            if case .object(let members)? = document { requireEqual(literal, members["id"], "the id in a valid request") }
        }
        requireReply(GatewayMessage.errorReply(id: id, text: "upstream down"), id: id, "the upstreamUnavailable reply")

        switch AgentRequest.parse(data) {
        case .failure(let error):
            requireEqual(error.id, id, "the id of a refusal")
            checkError(error)
        case .success(let request):
            requireEqual(request.id, id, "the id of an accepted request")
            guard case .object(let members)? = document, case .string(let name)? = members["method"] else {
                require(false, "an accepted request that is not an object with a string method")
                return
            }
            requireEqual(AgentMethod(wireName: name), request.method, "the method")
            for reply in [AgentReply.ok(id: request.id), .result(id: request.id, ["accepted": .bool(true)]),
                          .loggedIn(id: request.id, user: name, token: "v1.a.b", expires: 1_700_000_000),
                          .attached(id: request.id, state: .ready, lastSeq: 42, complete: false)] {
                requireReply(reply.encoded(), id: id, "\(reply)")
            }
            for state in AgentState.allCases {
                if let refusal = request.check(in: state) {
                    requireEqual(refusal.id, id, "the id of a wrongState refusal")
                    checkError(refusal)
                }
            }
        }
        if data.count > 0, case .failure(let error) = AgentRequest.parse(data, maxBytes: data.count - 1) {
            requireEqual(error.kind, .tooLarge(length: data.count, limit: data.count - 1), "one byte over the limit")
            requireEqual(error.id, id, "the id of a tooLarge refusal")
        } else if data.count > 0 {
            require(false, "a message over the limit accepted")
        }
    }

    static func checkError(_ error: AgentProtocolError) {
        let members = requireReply(AgentReply.error(error).encoded(), id: error.id, "the reply to \(error)")
        guard case .object(let body)? = members["error"] else {
            require(false, "a refusal without an error object")
            return
        }
        requireEqual(body["code"], .string(error.code), "error.code")
        requireEqual(body["text"], .string(error.text), "error.text")
        switch error.kind {
        case .invalidParams(_, let param, _): requireEqual(body["param"], .string(param), "error.param")
        case .wrongState(_, let state): requireEqual(body["state"], .string(state.rawValue), "error.state")
        default: break
        }
    }
}
