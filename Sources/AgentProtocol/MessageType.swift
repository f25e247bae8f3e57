/// The `type` of an agent message (docs/compatibility.md §1.3 `onMessage`) and of a `notify` notification.
public enum MessageType: String, CaseIterable, Hashable, Sendable {
    case success
    case info
    case warning
    case error
}
