import AgentDelivery
import CallControlMessages

/// What must outlive one gateway instance (docs/cluster.md §3), behind one interface with two
/// engines: `MemoryStateEngine` (one process) and `RedisStateEngine` (shared by every
/// instance). Every method answers once, through its completion, on the engine's loop.
///
/// The delivery engine numbers per-user events itself in one process (the default); with
/// `state.engine` `redis` the agent hub appends them here and reads them back (docs/cluster.md §6).
protocol StateEngine: AnyObject, Sendable {
    /// Appends `event` to `user`'s stream: it gets the stream's next `seq` (1 after a new
    /// epoch), written into it with the epoch, and is kept for `read`; nil appends a tombstone
    /// (events were lost: nobody is replayed past it). With `channel`, the entry is also
    /// published there, as `UserChannelMessage` bytes, in the same step. With `number` (the back
    /// end's number for the event, heard by every instance), an event whose number is not new
    /// for the user (`EventNumber.follows`) is not appended again: the answer is nil.
    func append(user: String, event: NumberedEvent?, number: EventNumber?, publishTo channel: String?,
                completion: @escaping (Result<StreamEntry?, StateEngineError>) -> Void)

    /// The entries after `position` (a tab's `attach`, a gap): all of them, or `.incomplete` when
    /// any is gone, the epoch changed (the stream was lost and started over), a tombstone is among
    /// them, or the tab is further behind than the stream keeps. Never a partial list.
    func read(user: String, after position: StreamPosition,
              completion: @escaping (Result<StreamRead, StateEngineError>) -> Void)

    /// `SET NX PX`: true for the first claim of `key` within `ttlMilliseconds` (a `dial`
    /// idempotency key, a click-to-call dedup key, a single-use token), false after.
    func claim(_ key: String, ttlMilliseconds: Int, completion: @escaping (Result<Bool, StateEngineError>) -> Void)

    /// Counts one more occurrence of `key` in a fixed window of `windowMilliseconds` that starts
    /// at its first occurrence (a login throttle); returns the count so far.
    func increment(_ key: String, windowMilliseconds: Int, completion: @escaping (Result<Int, StateEngineError>) -> Void)

    /// A secret every instance shares (session and widget keys, TLS ticket keys): the first
    /// instance's `candidate` wins, and every instance gets that one.
    func sharedSecret(_ name: String, candidate: [UInt8], completion: @escaping (Result<[UInt8], StateEngineError>) -> Void)
}

/// How the stream and the key-value state are kept (docs/cluster.md §3).
struct StateEngineSettings: Sendable {
    /// Prefix of every Redis key and channel. Default `callgate`.
    var keyPrefix = "callgate"

    /// The channel a user's entries are published on (every instance with tabs of the user
    /// follows it), in the user's hash slot.
    func channel(user: String) -> String { "\(keyPrefix):{u:\(user)}:events" }

    /// Every instance's heartbeat (docs/cluster.md §6.7).
    var instancesChannel: String { "\(keyPrefix):instances" }

    /// The user of a `channel(user:)` name.
    func user(channel: String) -> String? {
        let head = "\(keyPrefix):{u:", tail = "}:events"
        guard channel.hasPrefix(head), channel.hasSuffix(tail), channel.count > head.count + tail.count else { return nil }
        return String(channel.dropFirst(head.count).dropLast(tail.count))
    }

    /// Events kept per user (`agents.replayEvents`). Default 1,000.
    var streamCapacity = 1_000
    /// How old a kept event may be (`agents.replayAgeSeconds`). Default 300 s.
    var streamMaxAgeMilliseconds = 300_000
    /// How long a user's `seq` and epoch outlive their last event: a tab that reconnects within
    /// it and missed nothing gets `complete: true` even after its events aged out. Default 24 h.
    var positionTTLMilliseconds = 86_400_000
    /// Agents kept per external number in the shared list of last callers (`lastCallers.historyLength`).
    var lastCallersLength = 3
    /// Numbers kept; the least recently recorded go first (`lastCallers.capacity`).
    var lastCallersCapacity = 100_000
}

enum StateEngineError: Error, Equatable, CustomStringConvertible {
    case redis(RedisError)
    /// A reply of the wrong shape (a script out of step with this code).
    case unexpectedReply(String)

    var description: String {
        switch self {
        case .redis(let error): "\(error)"
        case .unexpectedReply(let text): "unexpected reply: \(text)"
        }
    }
}
