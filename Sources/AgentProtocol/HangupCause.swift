/// Call `cause`, why a call ended (docs/compatibility.md §1.6): encoded as the integer.
public enum HangupCause: Int, CaseIterable, Hashable, Sendable {
    /// nenastavený: the call has not been hung up yet.
    case notSet = -1
    /// neznámý
    case unknown = 0
    /// obsazeno
    case busy = 1
    /// neplatné číslo
    case invalidNumber = 2
    /// zavěsil volající
    case callerHungUp = 3
    /// zavěsil volaný
    case calledHungUp = 4
    /// odmítnuto
    case rejected = 5
    /// nedostupný
    case unavailable = 6
    /// vyzvednutí (pickup)
    case pickup = 7
    /// přepojení (transfer)
    case transfer = 8
}
