/// `dial`'s `queue` (docs/compatibility.md §1.4): `int | "directCall" | "undefined"`.
public enum DialQueue: Hashable, Sendable {
    /// The id of the outgoing queue (campaign) to dial under.
    case id(Int)
    /// `"directCall"`: dial without an outgoing queue.
    case directCall
    /// `"undefined"`, or the member absent or `null`: the back end decides.
    case undefined
}
