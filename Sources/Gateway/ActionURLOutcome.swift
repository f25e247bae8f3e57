/// What became of one outgoing Action URL attempt or request, as counted in
/// `callgate_actionurl_requests_total{target,outcome}` (docs/click-to-call.md §5). The raw
/// values are the metric's label values.
enum ActionURLOutcome: String, CaseIterable, Sendable {
    /// Answered 2xx.
    case delivered
    /// An attempt failed (network error, timeout, 408, 429, 5xx) and another one is scheduled.
    case retried
    /// Abandoned: attempts exhausted, or a failure retrying cannot fix (other statuses, a
    /// certificate that fails verification, a host that did not resolve).
    case givenUp = "given_up"
    /// Pushed out of the full queue before it was sent.
    case dropped
    /// The template could not be filled with this event's values; nothing was sent.
    case renderFailed = "render_failed"
}
