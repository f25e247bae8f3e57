/// Which leg of a click-to-call rings first (docs/compatibility.md §3.3 `sequence`); the raw values are the wire
/// spelling.
public enum DialSequence: String, CaseIterable, Hashable, Sendable {
    /// The number is called first; when it answers, the agent's line is called back
    /// ("сначала вызывается абонент, после ответа производится обратный вызов линии").
    /// Oktell's default for `/wp_autocallstart`.
    case direct
    /// The agent's own phone rings first, then the number is called on its behalf
    /// ("сначала осуществляется вызов самой линии"). This is also what a phone-style dialect
    /// means: the agent's device places the call itself, so the agent is on the line first.
    case back
}
