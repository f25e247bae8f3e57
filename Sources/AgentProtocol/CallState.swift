/// Call `state` (docs/compatibility.md §1.6): encoded as the integer.
public enum CallState: Int, CaseIterable, Hashable, Sendable {
    /// nový
    case new = 0
    /// probíhá spojování
    case connecting = 1
    /// vyzvání
    case ringing = 2
    /// spojen
    case connected = 3
    /// zavěšeno
    case hangup = 4
    /// přidržen (hold)
    case hold = 5
}
