import ActionURLs
import ClickToCall
import AgentProtocol
import CallControlMessages
import MuxEnvelope

/// What the engine does with the answer to a `Ticket`: the rest of the flow that asked.
enum Pending: Sendable {
    /// A `login`'s password; then `signIn`.
    case login(TabID, RequestID, username: String, options: SignInOptions, attempt: LoginLimiter.Attempt)
    /// A password asked over HTTP; then `.answer`.
    case passwordAsk(AskID, attempt: LoginLimiter.Attempt)
    /// An `sso` token; then `signIn`.
    case sso(TabID, RequestID, username: String, provider: String, options: SignInOptions)
    /// An `attach` token; then the replay, or `signIn` for a user signed out meanwhile.
    case attach(TabID, RequestID, position: StreamPosition, browserTab: String?)
    /// The back end's sign-in; then the tab joins the user.
    case signIn(TabID, RequestID, user: String, purpose: SignInPurpose)
    /// The state object for an `attach` that could not replay everything.
    case attachSnapshot(TabID, user: String)
    /// A command; then its reply (and, with a key, the `dial` idempotency record).
    case command(TabID, RequestID, user: String, idempotencyKey: String?)
    /// `logout`; then every tab of the user back to CREDENTIALS.
    case logout(TabID, RequestID, user: String)
    /// The agents a click-to-call names; then the dedup and the dial.
    case clickLookup(AskID, ClickToCallRequest, caller: ClickToCallCaller)
    /// A click-to-call's dial; then the answer, and the dedup record.
    case clickDial(AskID, user: String, dialect: ClickToCallDialect, key: DialDedupKey)
    /// The agent of a device Action URL's `local_party`; then its events.
    case deviceLookup(AskID, ActionURLEvent, caller: ClickToCallCaller)
    /// The agent's own party, for an Action URL out whose other values are known.
    case publish(ActionURLValues)
    /// A per-user event appended to the shared stream; then it is delivered here, its ringing
    /// tracked, and, by the instance whose append wrote it, recorded and relayed (`watch`, with the
    /// phone's `party` when known).
    case appended(user: String, AgentEvent, party: CallParty?)
    /// An incoming ringing waiting for the shared list of who called its number last; then it
    /// is appended, and the user's events held meanwhile after it.
    case lastCallers(user: String, AgentEvent, party: CallParty?, number: EventNumber?)
    /// The stream read after the last entry this instance delivered, to fill a gap.
    case streamGap(user: String)
    /// The stream's end, read when the user's first tab here arrives: where the copy starts.
    case streamBase(user: String)
    /// The stream read for a tab's `attach` that this instance's copy could not answer.
    case attachRead(TabID, RequestID, user: String, state: AgentState, position: StreamPosition)
    /// A fresh state for every tab of the user here (events were lost to them).
    case refresh(user: String)
    /// A password attempt counted in the shared state; then the hash check (`then`), or the refusal.
    indirect case sharedAttempt(username: String, password: String, then: Pending)
    /// A keyed `dial`'s claim in the shared state; then the dial, or the first one's reply.
    case dialClaim(TabID, RequestID, user: String, key: String, AgentCommand)
    /// A click-to-call's claim in the shared state; then the dial, or the first one's call.
    case clickClaim(AskID, user: String, request: ClickToCallRequest, key: DialDedupKey)

    enum SignInPurpose: Sendable {
        /// `login`, `sso`: the options replace the user's; the tab gets its token.
        case login(provider: String, method: AgentMethod, options: SignInOptions)
        /// `attach` of a user signed out meanwhile (or unknown to this instance): signed in afresh,
        /// `complete: false`; with a shared engine and READY at the back end, replayed from the
        /// shared stream when it can be.
        case attach(expires: Int64?, browserTab: String?, position: StreamPosition)
    }
}
