/// What the delivery engine asks of the state every gateway instance shares (docs/cluster.md §3,
/// §6): the memory engine in one process, or Redis for many. Each is answered by one
/// `SharedAnswer` (the case named beside it, or `.failed` when the shared state cannot be asked),
/// in the order asked. Some also publish on the user's channel (`UserChannelMessage`), which
/// every instance following the user receives.
public enum SharedRequest: Hashable, Sendable {
    /// Numbers `event` with the user's next `seq`, keeps it for replay and publishes it
    /// (`.entry`). With `eventID` (the back end's number for the event, docs/backend-protocol.md),
    /// an event already appended under that id is not appended again: the answer is the first
    /// append's entry, `fresh: false`, and nothing is published. → `.appended`.
    case append(user: String, event: NumberedEvent, eventID: String?)
    /// Appends a tombstone: events were lost here; published, so that every tab of the user
    /// gets a fresh state. → `.appended`.
    case appendTombstone(user: String)
    /// The stream's end. → `.position`.
    case position(user: String)
    /// Every entry after a position, or `incomplete`. → `.read`.
    case read(user: String, after: StreamPosition)
    /// Publishes a ringing event again (`.resend`), for every instance's tabs of the user. → `.done`.
    case resend(user: String, entry: StreamEntry)
    /// Registers a tab of the user: it takes the place of tabs with its browser tab id, and with
    /// `autologout` removes the tabs of other addresses (other browsers). Published. → `.presence`.
    case join(user: String, tab: TabPresence, autologout: Bool)
    /// The tab is gone. Published. → `.presence`.
    case leave(user: String, instance: String, tab: UInt64)
    /// The user's tabs on every live instance. → `.presence`.
    case presence(user: String)
    /// A tab acknowledged the ringing event `seq` (kept for `ttlMilliseconds`). → `.done`.
    case acknowledge(user: String, seq: UInt64, ttlMilliseconds: Int)
    /// Whether any tab acknowledged it. → `.flag`.
    case acknowledged(user: String, seq: UInt64)
    /// `SET key "?" NX PX ttl` with `GET`: the first claim of `key` gets nil, the others what it
    /// holds: `?` while the first is under way, then the value it was settled with. → `.claimed`.
    case claim(key: String, ttlMilliseconds: Int)
    /// The claim's outcome, for those who claimed after it. → `.done`.
    case settle(key: String, value: [UInt8], ttlMilliseconds: Int)
    /// Forgets a claim (its work failed and may be tried again). → `.done`.
    case release(key: String)
    /// What a claim holds now. → `.claimed`.
    case fetch(key: String)
}

/// The shared state's answer to one `SharedRequest`.
public enum SharedAnswer: Hashable, Sendable {
    case appended(StreamEntry, fresh: Bool)
    case position(StreamPosition)
    case read(StreamRead)
    case presence(PresenceList)
    case flag(Bool)
    /// nil: the claim is ours (or, for `fetch`, the key is gone).
    case claimed([UInt8]?)
    case done
    /// The shared state could not be asked (Redis down, a timeout, an unexpected reply).
    case failed(String)

    /// The value a claim holds while its first claimer works.
    public static let claimPending: [UInt8] = [UInt8(ascii: "?")]
}
