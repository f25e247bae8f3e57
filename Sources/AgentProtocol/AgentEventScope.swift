/// Who an agent event is for, which decides whether it carries a `seq`.
public enum AgentEventScope: Hashable, Sendable {
    /// The user's shared state (calls, availability, queues, messages): sent to every tab of the
    /// user, numbered by the user's sequence, kept in the replay window, replayed on `attach`.
    case user
    /// One session's own progress (connecting, logging in, pairing, its snapshot, its notices):
    /// sent to that tab only, never numbered, never replayed.
    case session
}
