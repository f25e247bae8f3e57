import JSON

/// `notify(title, type, unique, timeout, boundState, group, other)` (docs/compatibility.md §1.4): an application
/// notification shown in the bar (or under the login form in CREDENTIALS).
public struct NotifyParams: Hashable, Sendable {
    /// The default text (required).
    public var title: String
    /// Absent: `info`.
    public var type: MessageType
    /// Replace an existing notification of the same title/group (absent: false).
    public var unique: Bool
    /// How long it stays, in milliseconds (the guide gives no unit; see docs/agent-protocol.md);
    /// nil (null or absent): until dismissed. Non-negative.
    public var timeout: Int?
    /// Show only in this session state; nil (null or absent): in any.
    public var boundState: AgentState?
    public var group: String?
    /// Extra data, e.g. `{"values":{"identificator":"cisco"}}` for message formatting.
    public var other: [String: JSONValue]?

    public init(title: String, type: MessageType = .info, unique: Bool = false, timeout: Int? = nil,
                boundState: AgentState? = nil, group: String? = nil, other: [String: JSONValue]? = nil) {
        self.title = title
        self.type = type
        self.unique = unique
        self.timeout = timeout
        self.boundState = boundState
        self.group = group
        self.other = other
    }
}
