/// Call `direction` (seeds/004); the raw values are the wire spelling.
public enum CallDirection: String, CaseIterable, Hashable, Sendable {
    case outgoing = "OUTGOING"
    case incoming = "INCOMING"
}
