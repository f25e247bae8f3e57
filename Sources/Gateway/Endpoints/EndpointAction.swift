import HTTP1

/// What an endpoint asks its connection to do (docs/style.md §2).
enum EndpointAction: Sendable {
    /// Send this response.
    case answer(HTTPAnswer)
    /// Run work on the agent hub's loop, then perform the action its result comes to, on the
    /// connection's loop. Requests pipelined behind it wait unread until then.
    case askHub(HubQuestion)
    /// Nothing more to do: the work's answer acted on the connection itself (the upgrade paths,
    /// which are still the connection's own).
    case done

    /// A complete response that must not be stored by caches (`Cache-Control: no-store`): health,
    /// metrics, errors, the admin API.
    static func respond(status: Int, body: String, keepAlive: Bool, contentType: String = "text/plain; charset=utf-8",
                        extraHeaders: [(String, String)] = [], headOnly: Bool = false) -> EndpointAction {
        .answer(HTTPAnswer(status: status, body: Array(body.utf8), keepAlive: keepAlive, contentType: contentType,
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
}

/// Work for the agent hub's loop (`EndpointAction.askHub`): `ask` runs there and calls `reply`
/// once with what to do on the connection's loop when it is done.
struct HubQuestion: Sendable {
    let ask: @Sendable (AgentHub, _ reply: @escaping @Sendable (_ then: @escaping @Sendable () -> EndpointAction) -> Void) -> Void
}
