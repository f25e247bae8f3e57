/// Call `direction` (docs/compatibility.md §1.6); the raw values are the wire spelling.
public enum CallDirection: String, CaseIterable, Hashable, Sendable {
    case outgoing = "OUTGOING"
    case incoming = "INCOMING"
}
