/// Queue `type` (docs/compatibility.md §1.8): encoded as the integer.
public enum QueueType: Int, CaseIterable, Hashable, Sendable {
    /// odchozí
    case outgoing = 0
    /// příchozí
    case incoming = 1
}
