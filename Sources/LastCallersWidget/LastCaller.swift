/// One agent who called an external number (docs/compatibility.md §5, "Letzte Anrufer").
public struct LastCaller: Hashable, Sendable {
    /// The agent's user name.
    public var agent: String
    /// The agent's display name, when known.
    public var displayName: String?
    /// When the agent last called the number, Unix seconds.
    public var at: Int64

    public init(agent: String, displayName: String?, at: Int64) {
        self.agent = agent
        self.displayName = displayName
        self.at = at
    }
}
