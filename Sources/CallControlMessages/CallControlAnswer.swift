import AgentProtocol

/// The call-control back end's answer to one `CallControlRequest`. Every request gets exactly one;
/// `.failed` stands for any of them when the back end refused it or could not be asked (a remote
/// back end that is down answers each waiting request so, e.g. with `upstreamUnavailable`).
public enum CallControlAnswer: Hashable, Sendable {
    /// `signOut`, `unreachable`, `setBusy`: carried out.
    case done
    /// `signIn`: what to tell the tab (`SignIn`).
    case signedIn(SignIn)
    /// `execute`: the command's result, for its reply.
    case executed(CallControlReply)
    /// `snapshot`: the state object, nil when the user is not signed in.
    case snapshot(AgentSnapshot?)
    /// `lookUp`: the user each lookup names, in order; nil where none.
    case found([String?])
    /// `party`: nil for an unknown user.
    case party(CallParty?)
    /// `callHistory`: a page of ended calls, newest first, and the number of matches.
    case callHistory(calls: [Call], total: Int)
    /// `summary`.
    case summary(CallControlSummary)
    /// `admin`: the HTTP status and JSON body of the answer.
    case admin(status: Int, body: [UInt8])
    /// Refused (a command in the wrong state, an unknown user, …) or not answered.
    case failed(CallControlError)
}
