import Containers

/// One user's numbered per-user events, kept for `attach` (docs/agent-protocol.md §4): each
/// event gets the user's next `seq` (1 for the first, +1 after, never reused) and stays in the
/// window until `capacity` newer ones arrive, the newer ones' bytes with its own pass `maxBytes`,
/// or it is older than `maxAgeMilliseconds`. So one user pins at most `maxBytes` of events,
/// however large they are (issue 18); an event larger than `maxBytes` is delivered but not kept.
///
/// A ring buffer: `append` is amortised O(1) whatever the eviction, `replay` is O(k) for the k
/// events it returns. The kept events are always the consecutive numbers ending at `lastSeq`.
/// Storage is allocated on the first event and grows to `capacity` at most.
///
/// Not enforced: the counter surviving a restart. The gateway passes the engine's counter as
/// `lastSeq` when it creates the window; a restarted window holds no events, so a tab behind it
/// gets `.incomplete`.
public struct ReplayWindow: Sendable {
    /// One numbered event: its `seq`, its encoded message, and when it was recorded.
    public struct Entry: Sendable, Hashable {
        public let seq: UInt64
        public let bytes: [UInt8]
        public let recorded: UInt64

        public init(seq: UInt64, bytes: [UInt8], recorded: UInt64) {
            self.seq = seq
            self.bytes = bytes
            self.recorded = recorded
        }
    }

    /// The answer to `attach` (§4): `.complete` with the events to send after the reply
    /// (`complete: true`), or `.incomplete` when some have left the window (`complete: false`,
    /// a fresh `ready` follows).
    public enum Replay: Sendable, Hashable {
        case complete([Entry])
        case incomplete
    }

    public let capacity: Int
    public let maxBytes: Int
    public let maxAgeMilliseconds: UInt64
    /// The last number given; 0 before the first (or the `lastSeq` the window started from).
    public private(set) var lastSeq: UInt64
    /// The kept events' `bytes`, summed; never above `maxBytes`.
    public private(set) var bytes = 0
    private var entries: RingBuffer<Entry>

    public init(capacity: Int, maxBytes: Int = .max, maxAgeMilliseconds: UInt64, lastSeq: UInt64 = 0) {
        precondition(capacity >= 1, "ReplayWindow needs room for at least one event")
        precondition(maxBytes >= 0, "ReplayWindow needs a non-negative byte bound")
        self.capacity = capacity
        self.maxBytes = maxBytes
        self.maxAgeMilliseconds = maxAgeMilliseconds
        self.lastSeq = lastSeq
        self.entries = RingBuffer(maximumCapacity: capacity)
    }

    /// How many events are kept (including any past their age not yet dropped).
    public var count: Int { entries.count }

    /// Numbers the next event `lastSeq + 1` (§4), encodes it with `encode(seq)`, keeps it and
    /// returns it. Drops the oldest events past `capacity` or `maxBytes` (the new one too, when
    /// it alone is larger), and those older than `maxAgeMilliseconds` (as `replay` would).
    /// Amortised O(1).
    public mutating func append(now: UInt64, _ encode: (UInt64) -> [UInt8]) -> Entry {
        dropExpired(now: now)
        lastSeq += 1
        let entry = Entry(seq: lastSeq, bytes: encode(lastSeq), recorded: now)
        if entries.count == capacity { dropOldest() }
        entries.append(entry)
        bytes += entry.bytes.count
        while bytes > maxBytes { dropOldest() }
        return entry
    }

    /// The events after the tab's `clientLastSeq` (§4 `attach`). First drops the events recorded
    /// more than `maxAgeMilliseconds` before `now`. Then: the tab is up to date → `.complete([])`;
    /// its number is ahead of ours (a counter from before a restart) → `.incomplete`; every event
    /// after it is still kept → `.complete` with them, in order; else `.incomplete`. O(k).
    public mutating func replay(after clientLastSeq: UInt64, now: UInt64) -> Replay {
        dropExpired(now: now)
        if clientLastSeq == lastSeq { return .complete([]) }
        guard clientLastSeq < lastSeq else { return .incomplete }
        let missing = lastSeq - clientLastSeq
        guard missing <= UInt64(entries.count) else { return .incomplete }
        let start = entries.count - Int(missing)
        return .complete((start..<entries.count).map { entries[$0] })
    }

    /// The kept event numbered `seq`, if any. O(1).
    public func entry(seq: UInt64) -> Entry? {
        guard seq <= lastSeq, lastSeq - seq < UInt64(entries.count) else { return nil }
        return entries[entries.count - 1 - Int(lastSeq - seq)]
    }

    /// Drops the oldest events while they were recorded more than `maxAgeMilliseconds` before
    /// `now`. Amortised O(1): each event is dropped once. `append` and `replay` call it, and the
    /// engine's tick too, so that a user with no new events does not pin their last ones (and
    /// their memory) past the age: `replay` would drop them anyway.
    mutating func dropExpired(now: UInt64) {
        while let oldest = entries.first, now > oldest.recorded, now - oldest.recorded > maxAgeMilliseconds {
            dropOldest()
        }
    }

    private mutating func dropOldest() {
        bytes -= entries.removeFirst().bytes.count
    }
}
