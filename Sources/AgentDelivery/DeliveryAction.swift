import Routes
import WSFraming

/// What the engine decided, for the hub to perform in order (docs/style.md §2). The engine never
/// performs I/O; everything it needs from outside comes back as a `DeliveryInput`.
public enum DeliveryAction: Equatable, Sendable {
    /// Send these bytes (one encoded event, numbered or not) to each of these tabs.
    case send([UInt8], to: [TabID])
    /// Answer the tab's request (the tab no longer counts it as waiting).
    case reply(TabID, AgentReply)
    /// Answer the tab's `login`/`sso` with a fresh session token for `user`, vouched for by
    /// `provider` (`loggedIn`, docs/agent-protocol.md §3), and hold the tab authenticated until the
    /// token expires. The gateway signs the token.
    case loggedIn(TabID, id: RequestID, user: String, provider: String)
    /// The tab is authenticated until `until` (Unix seconds; closed with 4003 then), or, nil, no
    /// longer signed in (or without expiry).
    case authenticated(TabID, until: Int64?)
    /// Close the tab (4009 when another connection of the same browser tab took its place).
    case close(TabID, code: CloseCode, reason: String)
    /// Ask the call-control back end; with a ticket, the answer comes back as
    /// `.callControlAnswered(ticket, …)`; without one, nothing waits for it.
    case callControl(CallControlRequest, ticket: Ticket?)
    /// Compare a password with the directory's hash (off the hub's loop: PBKDF2 and scrypt are
    /// slow on purpose); answer `.passwordChecked(ticket, …)`.
    case checkPassword(Ticket, username: String, password: String)
    /// Verify a credential of a tab at `address`; answer `.credentialChecked(ticket, …)`.
    case verify(Ticket, AgentCredential, address: String)
    /// Answer an ask from outside a tab.
    case answer(AskID, DeliveryAnswer)
    /// Hand these values to the Action URL dispatcher (docs/click-to-call.md §5).
    case publish(ActionURLValues)
    /// Count one `callgate_route_events_total{channel, event}`.
    case count(channel: String, event: String)
    /// Log a line at info level.
    case log(LogLine)
}
