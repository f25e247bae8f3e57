/// What must outlive one gateway instance (docs/cluster.md §3), behind one interface with two
/// engines: `MemoryStateEngine` (one process, the default) and `RedisStateEngine` (shared by
/// every instance). Every method answers once, through its completion, on the engine's loop.
///
/// Not yet used by the delivery engine (`Sources/AgentDelivery`), which keeps its state in
/// memory; moving it onto this seam is the next step of docs/cluster.md §6.
protocol StateEngine: AnyObject, Sendable {
    /// Appends `event` to `user`'s stream: it gets the stream's next `seq` (1 after a new
    /// epoch) and is kept for `read`; with `channel`, the event is also published there, as
    /// `UserStreamPublication` bytes, in the same step.
    func append(user: String, event: [UInt8], publishTo channel: String?,
                completion: @escaping (Result<UserStreamPosition, StateEngineError>) -> Void)

    /// The events after `position` (a tab's `attach`): all of them, or `.incomplete` when any
    /// is gone, the epoch changed (the stream was lost and started over) or the tab is further
    /// behind than the stream keeps. Never a partial list.
    func read(user: String, after position: UserStreamPosition,
              completion: @escaping (Result<UserStreamRead, StateEngineError>) -> Void)

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

/// Where a user's stream stands, as a tab remembers it: which life of the stream (`epoch`,
/// new whenever the stream had to start over) and the last `seq` seen in it.
struct UserStreamPosition: Sendable, Hashable {
    var epoch: String
    var seq: UInt64

    /// A tab that has seen nothing.
    static let start = UserStreamPosition(epoch: "", seq: 0)
}

struct UserStreamEvent: Sendable, Hashable {
    var seq: UInt64
    var payload: [UInt8]
}

enum UserStreamRead: Sendable, Hashable {
    /// Every event after the position asked for, in order (none when the tab is up to date);
    /// `position` is the stream's end.
    case complete([UserStreamEvent], position: UserStreamPosition)
    /// Something after the position is lost to the tab: it gets a fresh state and continues
    /// from `position`.
    case incomplete(position: UserStreamPosition)
}

/// How the stream and the key-value state are kept (docs/cluster.md §3).
struct StateEngineSettings: Sendable {
    /// Prefix of every Redis key and channel. Default `callgate`.
    var keyPrefix = "callgate"
    /// Events kept per user (`agents.replayEvents`). Default 1,000.
    var streamCapacity = 1_000
    /// How old a kept event may be (`agents.replayAgeSeconds`). Default 300 s.
    var streamMaxAgeMilliseconds = 300_000
    /// How long a user's `seq` and epoch outlive their last event: a tab that reconnects within
    /// it and missed nothing gets `complete: true` even after its events aged out. Default 24 h.
    var positionTTLMilliseconds = 86_400_000
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

/// What `append` publishes: `<seq> <epoch> <event>`, so a subscriber can place the event in the
/// stream and notice a gap or a new epoch.
struct UserStreamPublication: Sendable, Hashable {
    var position: UserStreamPosition
    var payload: [UInt8]

    init(position: UserStreamPosition, payload: [UInt8]) {
        self.position = position
        self.payload = payload
    }

    init?(bytes: [UInt8]) {
        let fields = bytes.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, let seq = UInt64(String(decoding: fields[0], as: UTF8.self)) else { return nil }
        position = UserStreamPosition(epoch: String(decoding: fields[1], as: UTF8.self), seq: seq)
        payload = Array(fields[2])
    }
}
