import JSON

/// `dial(number, queue, line, data)` (docs/compatibility.md §1.4) plus the gateway's `idempotencyKey`.
public struct DialParams: Hashable, Sendable {
    /// Longest `idempotencyKey`, in UTF-8 bytes.
    public static let maxIdempotencyKeyBytes = 128

    /// The number as the CRM gave it (non-empty, not normalised: the back end dials what it gets;
    /// `E164.normalize` is for `*_norm` fields).
    public var number: String
    public var queue: DialQueue
    /// The phone line (device line id) to dial from; nil: the back end picks.
    public var line: Int?
    /// Metadata to attach to the call (it comes back in the Call's `data`); nil when absent.
    public var data: [String: JSONValue]?
    /// A key the browser may repeat when it re-sends a `dial` after a reconnect; the same user
    /// sending the same key again within the gateway's dedup window gets the first dial's reply
    /// instead of a second call. 1–128 UTF-8 bytes.
    public var idempotencyKey: String?

    public init(number: String, queue: DialQueue = .undefined, line: Int? = nil,
                data: [String: JSONValue]? = nil, idempotencyKey: String? = nil) {
        self.number = number
        self.queue = queue
        self.line = line
        self.data = data
        self.idempotencyKey = idempotencyKey
    }
}
