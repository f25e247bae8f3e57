import HTTP1
import WSFraming

/// What an endpoint asks its connection to do (docs/style.md §2).
enum EndpointAction: Sendable {
    /// Send this response.
    case answer(HTTPAnswer)
    /// Run work on the agent hub's loop, then perform the action its result comes to, on the
    /// connection's loop. Requests pipelined behind it wait unread until then.
    case askHub(HubQuestion)
    /// Switch to WebSocket (RFC 6455 §4.2.2): the 101 and the WebSocket phase with the
    /// application, or, upstream first, the wait for the route's upstream.
    case upgrade(AcceptedUpgrade)
    /// The opening handshake is invalid (RFC 6455 §4.2.1): its error response (400, 405, 426 with
    /// `Sec-WebSocket-Version`, `HandshakeError.response()`), then the connection closes.
    case refuseHandshake(HandshakeError)

    /// A complete response that must not be stored by caches (`Cache-Control: no-store`): health,
    /// metrics, errors, the admin API.
    static func respond(status: Int, body: String, keepAlive: Bool, contentType: String = "text/plain; charset=utf-8",
                        extraHeaders: [(String, String)] = [], headOnly: Bool = false) -> EndpointAction {
        .answer(HTTPAnswer(status: status, text: body, keepAlive: keepAlive, contentType: contentType,
                           extraHeaders: extraHeaders, headOnly: headOnly))
    }

    static func respond(status: Int, body: [UInt8], keepAlive: Bool, contentType: String,
                        extraHeaders: [(String, String)] = [], headOnly: Bool = false) -> EndpointAction {
        .answer(HTTPAnswer(status: status, body: body, keepAlive: keepAlive, contentType: contentType,
                           extraHeaders: extraHeaders, headOnly: headOnly))
    }

    /// `work` on the hub's loop; `answer` turns its result into the action performed here.
    static func askHub<Result: Sendable>(_ work: @escaping @Sendable (AgentHub) -> Result,
                                         answer: @escaping @Sendable (Result) -> EndpointAction) -> EndpointAction {
        askHub(later: { hub, done in done(work(hub)) }, answer: answer)
    }

    /// The same for work that finishes later, by calling `done` (a password checked on the hub's
    /// hashing loop).
    static func askHub<Result: Sendable>(later work: @escaping @Sendable (AgentHub, @escaping @Sendable (Result) -> Void) -> Void,
                                         answer: @escaping @Sendable (Result) -> EndpointAction) -> EndpointAction {
        .askHub(HubQuestion { hub, reply in
            work(hub) { result in reply { answer(result) } }
        })
    }

    /// The response, when the action is one (tests and logs).
    var answer: HTTPAnswer? {
        if case .answer(let answer) = self { return answer }
        return nil
    }

    /// The status the client gets now: an answer's or a refused handshake's; nil for an upgrade
    /// (101 or, upstream first, later) and for a question to the hub (tests and logs).
    var status: Int? {
        switch self {
        case .answer(let answer): return answer.status
        case .refuseHandshake(let error): return error.status
        case .upgrade, .askHub: return nil
        }
    }
}

/// Work for the agent hub's loop (`EndpointAction.askHub`): `ask` runs there and calls `reply`
/// once with what to do on the connection's loop when it is done.
struct HubQuestion: Sendable {
    let ask: @Sendable (AgentHub, _ reply: @escaping @Sendable (_ then: @escaping @Sendable () -> EndpointAction) -> Void) -> Void
}
