/// The `type` of an agent message (seeds/004 `onMessage`) and of a `notify` notification.
public enum MessageType: String, CaseIterable, Hashable, Sendable {
    case success
    case info
    case warning
    case error
}
