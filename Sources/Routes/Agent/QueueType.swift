/// Queue `type` (seeds/004): encoded as the integer.
public enum QueueType: Int, CaseIterable, Hashable, Sendable {
    /// odchozí
    case outgoing = 0
    /// příchozí
    case incoming = 1
}
